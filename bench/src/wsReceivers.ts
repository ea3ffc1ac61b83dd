// Receivers for the WebSocket-beside-SSE bench, in the bench process: raw-socket SSE clients that
// count events with the e2e scanner, and `ws` clients that count `event` messages by their prefix.
// Neither parses the payload, so both sides cost the load alike.
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { createResponseParser } from './e2e/httpResponse.js';
import { createSseScanner } from './e2e/sseScanner.js';

/** The two transports measured. */
export type Transport = 'sse' | 'ws';

/** Open receivers of one transport and the events they counted. */
export interface Receivers {
  /** Events counted over all connections since the last reset. */
  readonly events: number;
  /** Forgets what was counted (the connect-time `connected`/`welcome` frames). */
  reset(): void;
  close(): void;
}

const EVENT_PREFIX = '{"kind":"event",';

function openSse(port: number, count: (n: number) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const scanner = createSseScanner();
    const parser = createResponseParser({
      onHead: (status) => (status === 200 ? resolve(socket) : reject(new Error(`GET /stream answered ${status}`))),
      onBody: (buf, start, end) => count(scanner.scan(buf, start, end)),
      onError: (message) => reject(new Error(message)),
    });
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => parser.feed(chunk));
    socket.on('error', reject);
    socket.write(`GET /stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

function openWs(port: number, count: (n: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => {
      if (data.length > EVENT_PREFIX.length && data.toString('latin1', 0, EVENT_PREFIX.length) === EVENT_PREFIX)
        count(1);
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens `connections` receivers of `transport`, `batch` connects at a time. */
export async function openReceivers(
  transport: Transport,
  port: number,
  connections: number,
  batch = 100,
): Promise<Receivers> {
  let events = 0;
  const count = (n: number) => {
    events += n;
  };
  const open: (Socket | WebSocket)[] = [];
  for (let i = 0; i < connections; i += batch) {
    const n = Math.min(batch, connections - i);
    const opening = Array.from({ length: n }, () => (transport === 'sse' ? openSse(port, count) : openWs(port, count)));
    open.push(...(await Promise.all(opening)));
  }
  return {
    get events() {
      return events;
    },
    reset() {
      events = 0;
    },
    close() {
      for (const c of open) {
        if (c instanceof WebSocket) c.terminate();
        else c.destroy();
      }
    },
  };
}
