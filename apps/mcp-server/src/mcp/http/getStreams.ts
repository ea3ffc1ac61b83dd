import { PING_EVENT } from '@ws/sse-core';

/** What a decorated GET stream reports about its session. */
export interface StreamOwner {
  readonly id: string;
  openStreams: number;
  lastSeen: number;
}

const encoder = new TextEncoder();

/**
 * The MCP GET streams of every session: each opens with the session comments and, unless it resumes,
 * a priming event; one shared timer writes a `ping` event to all of them and runs `onTick` (idle expiry).
 */
export class GetStreams {
  readonly #streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #ticker: ReturnType<typeof setInterval>;

  constructor(pingIntervalMs: number, onTick: () => void) {
    this.#ticker = setInterval(() => {
      this.#ping();
      onTick();
    }, pingIntervalMs);
    this.#ticker.unref();
  }

  #ping(): void {
    const data = JSON.stringify({ timestamp: new Date().toISOString() });
    const frame = encoder.encode(`event: ${PING_EVENT}\ndata: ${data}\n\n`);
    for (const c of this.#streams) {
      try {
        c.enqueue(frame);
      } catch {
        this.#streams.delete(c);
      }
    }
  }

  /** The SDK's GET stream, with the session comments, the priming event and the pings added. */
  decorate(response: Response, owner: StreamOwner, priming: string | undefined): Response {
    const body = response.body;
    if (!body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
    const reader = body.getReader();
    const streams = this.#streams;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    owner.openStreams++;
    const done = () => {
      if (closed) return;
      closed = true;
      streams.delete(controller);
      owner.openStreams--;
      owner.lastSeen = Date.now();
    };
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        c.enqueue(encoder.encode(`: MCP Streamable HTTP Transport\n: Session-Id: ${owner.id}\n\n`));
        if (priming) c.enqueue(encoder.encode(priming));
        streams.add(c);
      },
      async pull(c) {
        try {
          const { value, done: finished } = await reader.read();
          if (finished) {
            done();
            c.close();
          } else c.enqueue(value);
        } catch (error) {
          done();
          c.error(error);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    });
    return new Response(stream, { status: response.status, headers: response.headers });
  }

  close(): void {
    clearInterval(this.#ticker);
  }
}
