import http, { type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { withTimeout } from '@ws/testing';
import type { ProxyRequestRecord, RequestStore } from '../src/index.js';

export { withTimeout };

/** A real HTTP server on 127.0.0.1:0 that a test writes; `close()` ends its connections too. */
export interface TestServer {
  readonly server: http.Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(handler: RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const s = await startServer(() => {});
  await s.close();
  return s.port;
}

/** Waits (bounded) for a record matching `predicate`, using the store's change feed. */
export function waitForRecord(
  store: RequestStore,
  predicate: (record: ProxyRequestRecord) => boolean,
  ms = 5000,
): Promise<ProxyRequestRecord> {
  const found = store.list().find(predicate);
  if (found) return Promise.resolve(found);
  let off = () => {};
  const match = new Promise<ProxyRequestRecord>((resolve) => {
    off = store.onChange((change) => {
      if (change.type !== 'cleared' && predicate(change.record)) resolve(change.record);
    });
  });
  const describe = () =>
    `a matching record; have ${JSON.stringify(store.list().map((r) => [r.id, r.url, r.status, r.pending]))}`;
  return withTimeout(match, ms, 'record')
    .catch((error: Error) => {
      throw new Error(`${error.message}: ${describe()}`);
    })
    .finally(() => off());
}

/** Waits for the final (non-pending) record of a URL. */
export const finalRecord = (store: RequestStore, url: string, ms?: number) =>
  waitForRecord(store, (r) => r.url === url && !r.pending, ms);

/** A response read to its end, raw: headers as sent, body bytes as received (no decoding). */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request on its own connection, with a bounded wait. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const done = new Promise<RawResponse>((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
  return withTimeout(done, 10_000, `${options.method ?? 'GET'} ${url}`);
}

/** Resolves once at least `ms` have really elapsed (a timer can fire a little early against the clock). */
export async function elapse(ms: number): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < 100 && performance.now() - start < ms; i++)
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, ms - (performance.now() - start))));
}
