// A real `ws` client that records what the server sends on /ws, for the WebSocket tests.
import { until, withTimeout } from '@ws/testing';
import WebSocket, { type ClientOptions } from 'ws';
import { WAIT_MS } from './helpers.js';

/** A server message, typed loosely: tests assert on it. */
// biome-ignore lint/suspicious/noExplicitAny: test messages are checked by assertions
export type Received = any;

/** An open socket and everything the server sent on it, parsed; closed by `using`. */
export interface WsRecording extends Disposable {
  ws: WebSocket;
  received: Received[];
  /** Resolves when the handshake completes; rejects after {@link WAIT_MS}. */
  opened: Promise<void>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** The first received message that `match` accepts, waiting (bounded) for it. */
  waitFor(match: (m: Received) => boolean, what: string): Promise<Received>;
  /** The `event` messages' stream messages, in order. */
  events(): Received[];
}

/** Opens `url` (http:// is turned into ws://) with a real WebSocket client. */
export function openWs(url: string, options: ClientOptions = {}): WsRecording {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), options);
  const received: Received[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  const opened = withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    WAIT_MS,
    `the WebSocket on ${url} to open`,
  );
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const waitFor = async (match: (m: Received) => boolean, what: string) => {
    await until(
      () => received.some(match),
      WAIT_MS,
      () => `${what}; received ${JSON.stringify(received).slice(-800)}`,
    );
    return received.find(match);
  };
  return {
    ws,
    received,
    opened,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor,
    events: () => received.filter((m) => m.kind === 'event').map((m) => m.message),
    [Symbol.dispose]: () => ws.terminate(),
  };
}

/** The HTTP answer to an upgrade the server refuses: status and JSON body. */
export function refusedUpgrade(url: string, options: ClientOptions = {}): Promise<{ status: number; body: Received }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), options);
  ws.on('error', () => undefined);
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.once('open', () => reject(new Error(`the upgrade to ${url} was accepted`)));
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
    }),
    WAIT_MS,
    `the answer to the upgrade to ${url}`,
  );
}
