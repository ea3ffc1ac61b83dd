import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createDevProxy, type DevProxy, type DevProxyOptions } from '../src/index.js';
import { closedPort, finalRecord, startServer, type TestServer, waitForRecord, withTimeout } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A dev-server stand-in: plain HTTP plus a WebSocket server that echoes and picks the `vite-hmr` protocol. */
async function startWsTarget(): Promise<{ http: TestServer; wss: WebSocketServer; upgrades: IncomingMessage[] }> {
  const http = await startServer((_req, res) => res.end('page'));
  const upgrades: IncomingMessage[] = [];
  const wss = new WebSocketServer({
    server: http.server,
    handleProtocols: (protocols) => (protocols.has('vite-hmr') ? 'vite-hmr' : false),
  });
  wss.on('connection', (socket, req) => {
    upgrades.push(req);
    socket.on('message', (data) => socket.send(`echo:${data}`));
  });
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await http.close();
  });
  return { http, wss, upgrades };
}

async function proxyFor(options: DevProxyOptions): Promise<DevProxy> {
  const proxy = await createDevProxy(options);
  cleanups.push(() => proxy.close());
  return proxy;
}

function open(url: string, protocols?: string[]): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols);
  cleanups.push(() => socket.terminate());
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    }),
    5000,
    `WebSocket ${url}`,
  );
}

const nextMessage = (socket: WebSocket) =>
  withTimeout(
    new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data)))),
    5000,
    'a message',
  );

describe('WebSocket through the proxy', () => {
  it('echoes through the tunnel with the subprotocol kept, and records the upgrade', async () => {
    const { http, upgrades } = await startWsTarget();
    const proxy = await proxyFor({ target: http.url, processId: 'vite' });
    const socket = await open(`${proxy.origin.replace('http', 'ws')}/hmr?token=t`, ['vite-hmr']);
    expect(socket.protocol).toBe('vite-hmr');
    for (const text of ['ping', 'x'.repeat(70_000)]) {
      socket.send(text);
      expect(await nextMessage(socket)).toBe(`echo:${text}`);
    }
    expect(upgrades[0]?.url).toBe('/hmr?token=t');
    expect(upgrades[0]?.headers.host).toBe(`127.0.0.1:${proxy.port}`);
    const live = await waitForRecord(proxy.store, (r) => r.kind === 'websocket' && r.status === 101);
    // The target gets the token; the record keeps only its name.
    expect(live).toMatchObject({ pending: true, url: '/hmr?token=[redacted]', method: 'GET', processId: 'vite' });
    socket.close();
    const record = await finalRecord(proxy.store, '/hmr?token=[redacted]');
    expect(record).toMatchObject({ kind: 'websocket', status: 101, failed: false, error: null });
    expect(record.requestBytes).toBeGreaterThan(70_000);
    expect(record.responseBytes).toBeGreaterThan(70_000);
    expect(record.durationMs).toBeGreaterThan(0);
  });

  it('keeps plain HTTP working beside the socket', async () => {
    const { http } = await startWsTarget();
    const proxy = await proxyFor({ target: http.url });
    const socket = await open(`${proxy.origin.replace('http', 'ws')}/`);
    const res = await fetch(`${proxy.origin}/index.html`);
    expect(await res.text()).toBe('page');
    socket.send('still here');
    expect(await nextMessage(socket)).toBe('echo:still here');
  });

  it('answers a handshake to a target that is down with 502, recorded as failed', async () => {
    const port = await closedPort();
    const proxy = await proxyFor({ target: `http://127.0.0.1:${port}` });
    const socket = new WebSocket(`${proxy.origin.replace('http', 'ws')}/hmr`);
    const status = await withTimeout(
      new Promise<number>((resolve) => {
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('error', () => {});
      }),
      5000,
      'the handshake answer',
    );
    expect(status).toBe(502);
    const record = await finalRecord(proxy.store, '/hmr');
    expect(record).toMatchObject({
      kind: 'websocket',
      status: 502,
      failed: true,
      error: { kind: 'connection_refused' },
    });
  });

  it('hands upgrades under the reserved prefix to reserved.upgrade, and refuses them without it', async () => {
    const { http, upgrades } = await startWsTarget();
    const own = new WebSocketServer({ noServer: true });
    cleanups.push(() => new Promise((resolve) => own.close(() => resolve())));
    own.on('connection', (socket) => socket.send('from webstream'));
    const proxy = await proxyFor({
      target: http.url,
      reserved: {
        prefix: '/__webstream/',
        handle: (_req, res) => res.end(),
        upgrade: (req, socket, head) => own.handleUpgrade(req, socket, head, (ws) => own.emit('connection', ws, req)),
      },
    });
    const socket = new WebSocket(`${proxy.origin.replace('http', 'ws')}/__webstream/ws`);
    cleanups.push(() => socket.terminate());
    expect(await nextMessage(socket)).toBe('from webstream');
    expect(upgrades).toHaveLength(0);
    expect(proxy.store.stats().added).toBe(0);

    const bare = await proxyFor({
      target: http.url,
      reserved: { prefix: '/__webstream/', handle: (_q, r) => r.end() },
    });
    const refused = new WebSocket(`${bare.origin.replace('http', 'ws')}/__webstream/ws`);
    const status = await withTimeout(
      new Promise<number>((resolve) => {
        refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        refused.on('error', () => {});
      }),
      5000,
      'the refusal',
    );
    expect(status).toBe(404);
  });

  it('close() ends open tunnels on both sides and finalizes their records', async () => {
    const { http, wss } = await startWsTarget();
    const proxy = await proxyFor({ target: http.url });
    const socket = await open(`${proxy.origin.replace('http', 'ws')}/hmr`);
    const clientClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await waitForRecord(proxy.store, (r) => r.status === 101);
    const [serverSide] = [...wss.clients];
    const serverClosed = new Promise<void>((resolve) => serverSide?.once('close', () => resolve()));
    await withTimeout(proxy.close(), 5000, 'close()');
    await withTimeout(clientClosed, 5000, 'the client socket to close');
    await withTimeout(serverClosed, 5000, 'the target socket to close');
    const record = await finalRecord(proxy.store, '/hmr');
    expect(record).toMatchObject({ status: 101, pending: false, failed: true, error: { kind: 'proxy_closed' } });
  });
});
