// Publishes over raw keep-alive HTTP/1.1 connections (one request in flight per connection), so the
// publishing side costs little next to the server it drives. Each worker owns one connection.
import { connect, type Socket } from 'node:net';
import { monoMs } from './clock.js';
import { createResponseParser } from './httpResponse.js';

/** Where and how a server takes a publish. */
export interface PublishEndpoint {
  port: number;
  path: string;
  contentType: string;
  /** Request body for one message text. */
  body(message: string): string;
}

/** One keep-alive publishing connection; reopened when the server closes it between requests. */
interface Connection {
  publish(message: string): Promise<number>;
  close(): void;
}

interface Pending {
  resolve(status: number): void;
  reject(error: Error): void;
}

function openSocket(endpoint: PublishEndpoint, pending: Pending[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const parser = createResponseParser({
      onHead: (s) => {
        status = s;
      },
      onBody: () => undefined,
      onEnd: () => pending.shift()?.resolve(status),
      onError: (message) => socket.destroy(new Error(message)),
    });
    const socket: Socket = connect(endpoint.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => parser.feed(chunk));
    socket.on('error', (error) => {
      for (const p of pending.splice(0)) p.reject(error);
      reject(error);
    });
    socket.on('close', () => {
      for (const p of pending.splice(0)) p.reject(new Error('publish connection closed with a request pending'));
    });
    socket.on('connect', () => resolve(socket));
  });
}

async function openConnection(endpoint: PublishEndpoint): Promise<Connection> {
  const pending: Pending[] = [];
  let socket = await openSocket(endpoint, pending);
  const head = `POST ${endpoint.path} HTTP/1.1\r\nHost: 127.0.0.1:${endpoint.port}\r\nContent-Type: ${endpoint.contentType}\r\n`;
  return {
    async publish(message) {
      // A server may close a keep-alive connection after a response (nginx's keepalive_requests).
      if (socket.destroyed || socket.readyState !== 'open') socket = await openSocket(endpoint, pending);
      const body = endpoint.body(message);
      return new Promise<number>((resolve, reject) => {
        pending.push({ resolve, reject });
        socket.write(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
    },
    close: () => socket.destroy(),
  };
}

/** What a publishing run did. */
export interface DriveResult {
  accepted: number;
  rejected: number;
  /** Count per non-2xx status. */
  statuses: Record<number, number>;
  startMs: number;
  endMs: number;
}

/** How to drive publishes: how many, for how long, at what rate, over how many connections. */
export interface DriveOptions {
  /** Concurrent publish connections (publishes in flight). */
  inFlight: number;
  /** Stop after this many publishes. Default: unlimited (then `durationMs` is required). */
  count?: number;
  /** Stop starting new publishes after this many ms. Default: unlimited. */
  durationMs?: number;
  /** Publishes per second (a schedule from the start). Default: as fast as the server answers. */
  rate?: number;
  /** Message text of publish `i`, given its send time (monotonic ms). */
  message(i: number, sendMs: number): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publishes per `options` and resolves when every publish has been answered. */
export async function drive(endpoint: PublishEndpoint, options: DriveOptions): Promise<DriveResult> {
  const connections = await Promise.all(Array.from({ length: options.inFlight }, () => openConnection(endpoint)));
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const result: DriveResult = { accepted: 0, rejected: 0, statuses: {}, startMs: monoMs(), endMs: 0 };
  const deadline = result.startMs + (options.durationMs ?? Number.POSITIVE_INFINITY);
  let next = 0;
  const worker = async (connection: Connection) => {
    while (next < count && monoMs() < deadline) {
      const i = next++;
      if (options.rate) {
        const wait = result.startMs + (i * 1000) / options.rate - monoMs();
        if (wait > 0) await sleep(wait);
      }
      const status = await connection.publish(options.message(i, monoMs()));
      if (status >= 200 && status < 300) result.accepted++;
      else {
        result.rejected++;
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(connections.map(worker));
  } finally {
    for (const c of connections) c.close();
  }
  result.endMs = monoMs();
  return result;
}
