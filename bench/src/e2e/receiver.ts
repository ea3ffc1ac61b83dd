// Child process: SSE connections on raw `node:net` sockets, all reading into one shared buffer, with
// the minimal HTTP parser and the blank-line event scanner. Driven over IPC by the orchestrator; it
// does as little per read as it can so that it costs less than the server it measures.
import { connect, type Socket } from 'node:net';
import { monoMs } from './clock.js';
import { createHistogram, type Histogram } from './histogram.js';
import { createResponseParser, type ResponseParser } from './httpResponse.js';
import { createSseScanner, createStampReader, type SseScanner, type StampReader } from './sseScanner.js';

interface Conn {
  socket: Socket;
  parser: ResponseParser;
  scanner: SseScanner;
  stamps: StampReader;
  events: number;
  headed: boolean;
  closed: boolean;
}

/** Commands from the orchestrator; each is answered with a message of the same type. */
export type ReceiverCommand =
  | { type: 'connect'; port: number; path: string; n: number; concurrency: number }
  | { type: 'reset'; stamps: boolean }
  /** Sends `done` once `total` events have arrived; a negative total cancels. */
  | { type: 'expect'; total: number }
  | { type: 'progress' }
  | { type: 'report' }
  | { type: 'close' };

const send = (msg: object) => process.send?.(msg);
const shared = Buffer.allocUnsafe(256 * 1024);
let conns: Conn[] = [];
let events = 0;
let bytes = 0;
let target = Number.POSITIVE_INFINITY;
let stampMode = false;
let latency: Histogram = createHistogram();
let closedAfterHead = 0;
let firstError = '';

const onStamp = (stamp: number, at: number) => latency.record(at - stamp);

function checkDone(): void {
  if (events >= target) {
    target = Number.POSITIVE_INFINITY;
    send({ type: 'done', at: monoMs() });
  }
}

function open(port: number, path: string, onSettled: (ok: boolean) => void): void {
  let settled = false;
  const settle = (ok: boolean, why?: string) => {
    if (!ok && why && !firstError) firstError = why;
    if (settled) return;
    settled = true;
    onSettled(ok);
  };
  let readAt = 0;
  const stampOf = (stamp: number) => onStamp(stamp, readAt);
  const conn = {} as Conn;
  conn.events = 0;
  conn.headed = false;
  conn.closed = false;
  conn.scanner = createSseScanner();
  conn.stamps = createStampReader();
  conn.parser = createResponseParser({
    onHead(status) {
      conn.headed = true;
      settle(status === 200, `GET ${path} answered ${status}`);
    },
    onBody(buf, start, end) {
      const n = conn.scanner.scan(buf, start, end);
      conn.events += n;
      events += n;
      if (stampMode) conn.stamps.read(buf, start, end, stampOf);
    },
    onError: (message) => settle(false, message),
  });
  conn.socket = connect({
    port,
    host: '127.0.0.1',
    onread: {
      buffer: shared,
      callback(nread: number, buf: Uint8Array) {
        bytes += nread;
        if (stampMode) readAt = monoMs();
        conn.parser.feed(buf as Buffer, 0, nread);
        checkDone();
        return true;
      },
    },
  });
  conn.socket.on('connect', () => {
    conn.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  });
  conn.socket.on('error', (error) => settle(false, error.message));
  conn.socket.on('close', () => {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.headed) closedAfterHead++;
    settle(false, 'closed before its response head');
  });
  conns.push(conn);
}

/** Opens `n` connections, at most `concurrency` handshakes at once; resolves with how many are open. */
function openAll(port: number, path: string, n: number, concurrency: number): Promise<{ ok: number; failed: number }> {
  return new Promise((resolve) => {
    let started = 0;
    let ok = 0;
    let failed = 0;
    const next = () => {
      if (ok + failed === n) return resolve({ ok, failed });
      if (started < n) {
        started++;
        open(port, path, (good) => {
          if (good) ok++;
          else failed++;
          next();
        });
      }
    };
    if (n === 0) resolve({ ok, failed });
    for (let i = 0; i < Math.min(concurrency, n); i++) next();
  });
}

function perConn(): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const c of conns) {
    if (c.events < min) min = c.events;
    if (c.events > max) max = c.events;
  }
  return { min: conns.length ? min : 0, max };
}

process.on('message', async (msg: ReceiverCommand) => {
  switch (msg.type) {
    case 'connect': {
      const { ok, failed } = await openAll(msg.port, msg.path, msg.n, msg.concurrency);
      send({ type: 'connect', ok, failed, error: firstError });
      break;
    }
    case 'reset':
      events = 0;
      bytes = 0;
      stampMode = msg.stamps;
      latency = createHistogram();
      for (const c of conns) c.events = 0;
      send({ type: 'reset' });
      break;
    case 'expect':
      target = msg.total < 0 ? Number.POSITIVE_INFINITY : msg.total;
      send({ type: 'expect' });
      checkDone();
      break;
    case 'progress':
      send({ type: 'progress', events, bytes, closed: closedAfterHead });
      break;
    case 'report':
      send({ type: 'report', events, bytes, closed: closedAfterHead, latency: latency.data(), ...perConn() });
      break;
    case 'close':
      for (const c of conns) {
        c.closed = true;
        c.socket.destroy();
      }
      conns = [];
      closedAfterHead = 0;
      send({ type: 'close' });
      break;
  }
});
send({ type: 'ready' });
