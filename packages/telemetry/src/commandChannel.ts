// One SSE stream per page session (`GET <base>commands`), carrying REPL commands to that page only.
// A new stream for the same session replaces the old one. One shared heartbeat timer (unref'd)
// writes a comment to every stream; every timer and stream is released on close.
import type { ServerResponse } from 'node:http';
import type { PageCommand } from './schemas.js';

/** Heartbeat comment interval on command streams (ms). */
export const COMMAND_HEARTBEAT_MS = 15_000;

/** The command streams. */
export interface CommandChannel {
  /** Starts the SSE response for a session (ending one it had); `onClose` runs once when this stream ends, however it ends. */
  attach(sessionId: string, res: ServerResponse, onClose: () => void): void;
  /** Writes a command to the session's stream; false when it has none. */
  send(sessionId: string, command: PageCommand): boolean;
  connected(sessionId: string): boolean;
  /** Ends the session's stream (session evicted or closed). */
  detach(sessionId: string): void;
  readonly size: number;
  close(): void;
}

/** Creates the channel. */
export function createCommandChannel(heartbeatMs = COMMAND_HEARTBEAT_MS): CommandChannel {
  const streams = new Map<string, ServerResponse>();
  const closers = new Map<ServerResponse, () => void>();
  let timer: NodeJS.Timeout | undefined;

  function heartbeat() {
    if (timer || heartbeatMs <= 0) return;
    timer = setInterval(() => {
      for (const res of streams.values()) res.write(': ping\n\n');
    }, heartbeatMs);
    timer.unref();
  }

  function stopHeartbeatIfIdle() {
    if (streams.size > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
  }

  function detach(sessionId: string) {
    const res = streams.get(sessionId);
    if (!res) return;
    streams.delete(sessionId);
    res.end();
    stopHeartbeatIfIdle();
    const onClose = closers.get(res);
    closers.delete(res);
    onClose?.();
  }

  return {
    attach(sessionId, res, onClose) {
      detach(sessionId);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write('retry: 3000\n\n: commands for this page session\n\n');
      streams.set(sessionId, res);
      closers.set(res, onClose);
      heartbeat();
      res.on('close', () => {
        if (streams.get(sessionId) !== res) return;
        streams.delete(sessionId);
        closers.delete(res);
        stopHeartbeatIfIdle();
        onClose();
      });
    },
    send(sessionId, command) {
      const res = streams.get(sessionId);
      if (!res || res.writableEnded) return false;
      res.write(`event: command\ndata: ${JSON.stringify(command)}\n\n`);
      return true;
    },
    connected: (sessionId) => streams.has(sessionId),
    detach,
    get size() {
      return streams.size;
    },
    close() {
      for (const sessionId of [...streams.keys()]) detach(sessionId);
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
