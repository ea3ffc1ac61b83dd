import type { WebSocket } from 'ws';

/**
 * Ping/pong keep-alive for every socket on one shared, unref'd timer: each interval a socket that
 * answered the last ping gets a new one; one that did not is terminated (its peer or the path to
 * it is gone; the client reconnects and resumes). The timer runs only while sockets are open.
 */
export class KeepAlive {
  readonly #intervalMs: number;
  /** Each open socket, and whether it answered since the last ping. */
  readonly #sockets = new Map<WebSocket, boolean>();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  add(ws: WebSocket): void {
    this.#sockets.set(ws, true);
    ws.on('pong', () => {
      if (this.#sockets.has(ws)) this.#sockets.set(ws, true);
    });
    ws.once('close', () => this.#remove(ws));
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  #remove(ws: WebSocket): void {
    this.#sockets.delete(ws);
    if (this.#sockets.size === 0) this.stop();
  }

  #tick(): void {
    for (const [ws, answered] of this.#sockets) {
      if (!answered) {
        ws.terminate();
        continue;
      }
      this.#sockets.set(ws, false);
      ws.ping();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
