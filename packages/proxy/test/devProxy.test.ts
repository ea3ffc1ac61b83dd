import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevProxy, createRequestStore, type DevProxy, type DevProxyOptions, ProxyError } from '../src/index.js';
import {
  closedPort,
  elapse,
  finalRecord,
  request,
  startServer,
  type TestServer,
  waitForRecord,
  withTimeout,
} from './helpers.js';

let target: TestServer;
/** Seen by the target: the last request's headers per path, and when a streamed response was closed. */
const seen = new Map<string, http.IncomingHttpHeaders>();
let streamClosed: Promise<void> = Promise.resolve();

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.set(url.pathname, req.headers);
  const [, name, arg = ''] = url.pathname.split('/');
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  switch (name) {
    case 'echo': {
      const text = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bodyLength: body.length });
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
      return;
    }
    case 'bytes':
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': arg })
        .end(Buffer.alloc(Number(arg), 7));
      return;
    case 'chunked':
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < Number(arg); i += 1000) res.write('x'.repeat(Math.min(1000, Number(arg) - i)));
      res.end();
      return;
    case 'status':
      res.writeHead(Number(arg), { 'content-type': 'text/plain' }).end(`status ${arg}`);
      return;
    case 'slow':
      await elapse(Number(arg));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('slow');
      return;
    case 'drip':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first byte now, ');
      await elapse(Number(arg));
      res.end('last byte later');
      return;
    case 'hang':
      return;
    case 'stream': {
      streamClosed = new Promise((resolve) => res.on('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        res.write(`chunk ${i}\n`);
        await elapse(20);
      }
      res.end();
      return;
    }
    case 'reset':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case 'redirect':
      res.writeHead(302, { location: `${target.url}/echo?from=redirect` }).end();
      return;
    case 'cookies':
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1; HttpOnly', 'b=2'] }).end('ok');
      return;
    default:
      res.writeHead(404).end();
  }
}

const proxies: DevProxy[] = [];
async function proxyFor(options: Partial<DevProxyOptions> = {}): Promise<DevProxy> {
  const proxy = await createDevProxy({ target: target.url, processId: 'web', ...options });
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  target = await startServer((req, res) => void route(req, res));
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => target.close());

describe('createDevProxy pass-through', () => {
  it('forwards GET and POST and records method, URL, status, sizes, content type, process and request id', async () => {
    const proxy = await proxyFor();
    expect(proxy.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxy.url).toBe(`${proxy.origin}/`);
    expect(proxy.target).toBe(target.url);
    const get = await request(`${proxy.origin}/bytes/12345`);
    expect(get.status).toBe(200);
    expect(get.body.length).toBe(12345);
    const payload = 'p'.repeat(10_000);
    const post = await request(`${proxy.origin}/echo?x=1`, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'text/plain' },
    });
    expect(JSON.parse(post.body.toString())).toMatchObject({ method: 'POST', url: '/echo?x=1', bodyLength: 10_000 });

    const getRecord = await finalRecord(proxy.store, '/bytes/12345');
    expect(getRecord).toMatchObject({
      kind: 'http',
      method: 'GET',
      status: 200,
      processId: 'web',
      target: target.url,
      requestBytes: 0,
      responseBytes: 12345,
      contentType: 'application/octet-stream',
      failed: false,
      error: null,
      injection: null,
      requestBody: null,
    });
    expect(get.headers['x-webstream-request-id']).toBe(getRecord.id);
    const postRecord = await finalRecord(proxy.store, '/echo?x=1');
    expect(postRecord).toMatchObject({
      method: 'POST',
      status: 200,
      requestBytes: 10_000,
      responseBytes: post.body.length,
    });
    expect(post.headers['x-webstream-request-id']).toBe(postRecord.id);
    expect(postRecord.startedAt).toBeGreaterThanOrEqual(getRecord.startedAt);
  });

  it('counts the bytes of a chunked response as sent', async () => {
    const proxy = await proxyFor();
    const res = await request(`${proxy.origin}/chunked/54321`);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.length).toBe(54321);
    expect(await finalRecord(proxy.store, '/chunked/54321')).toMatchObject({ responseBytes: 54321, status: 200 });
  });

  it('measures the real duration: at least the delay before the headers, and up to the last byte', async () => {
    const proxy = await proxyFor();
    await request(`${proxy.origin}/slow/150`);
    const slow = await finalRecord(proxy.store, '/slow/150');
    expect(slow.durationMs).toBeGreaterThanOrEqual(150);
    const drip = await request(`${proxy.origin}/drip/200`);
    expect(drip.body.toString()).toBe('first byte now, last byte later');
    const record = await finalRecord(proxy.store, '/drip/200');
    expect(record.durationMs).toBeGreaterThanOrEqual(200);
  });

  it('records a pending exchange first, then completes it', async () => {
    const proxy = await proxyFor();
    const done = request(`${proxy.origin}/slow/100`);
    const pending = await waitForRecord(proxy.store, (r) => r.url === '/slow/100');
    expect(pending).toMatchObject({ pending: true, durationMs: null });
    expect(proxy.store.list({ status: 'pending' }).map((r) => r.id)).toEqual([pending.id]);
    await done;
    expect(await finalRecord(proxy.store, '/slow/100')).toMatchObject({ id: pending.id, pending: false, status: 200 });
  });

  it('records status classes the store can filter', async () => {
    const proxy = await proxyFor();
    for (const code of [201, 304, 404, 500]) await request(`${proxy.origin}/status/${code}`);
    await finalRecord(proxy.store, '/status/500');
    const urls = (status: '2xx' | '3xx' | '4xx' | '5xx') => proxy.store.list({ status }).map((r) => r.url);
    expect(urls('2xx')).toEqual(['/status/201']);
    expect(urls('3xx')).toEqual(['/status/304']);
    expect(urls('4xx')).toEqual(['/status/404']);
    expect(urls('5xx')).toEqual(['/status/500']);
    expect(proxy.store.list({ status: 'failed' })).toEqual([]);
  });

  it('keeps the browser Host, adds X-Forwarded-*, and rewrites a redirect to the target onto the proxy', async () => {
    const proxy = await proxyFor();
    const echo = JSON.parse((await request(`${proxy.origin}/echo`)).body.toString());
    expect(echo.headers.host).toBe(`127.0.0.1:${proxy.port}`);
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-host']).toBe(`127.0.0.1:${proxy.port}`);
    const redirect = await request(`${proxy.origin}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(`${proxy.origin}/echo?from=redirect`);
    const changed = await proxyFor({ changeOrigin: true });
    const echo2 = JSON.parse((await request(`${changed.origin}/echo`)).body.toString());
    expect(echo2.headers.host).toBe(`127.0.0.1:${target.port}`);
  });

  it('shares one store between proxies with unique ids and per-process tags', async () => {
    const store = createRequestStore();
    const a = await proxyFor({ store, processId: 'a' });
    const b = await proxyFor({ store, processId: 'b' });
    await request(`${a.origin}/status/200`);
    await request(`${b.origin}/status/201`);
    await finalRecord(store, '/status/201');
    expect(store.list().map((r) => [r.id, r.processId])).toEqual([
      ['2', 'b'],
      ['1', 'a'],
    ]);
    expect(store.list({ processId: 'a' })).toHaveLength(1);
  });
});

describe('createDevProxy failures', () => {
  it('answers 502 with a text body when the target is down, and records it as failed', async () => {
    const port = await closedPort();
    const proxy = await proxyFor({ target: `http://127.0.0.1:${port}/app/` });
    expect(proxy.url).toBe(`${proxy.origin}/app/`);
    const res = await request(`${proxy.origin}/app/`);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.toString()).toContain(`the dev server at http://127.0.0.1:${port} is not answering`);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    const record = await finalRecord(proxy.store, '/app/');
    expect(record).toMatchObject({ status: 502, failed: true, responseBytes: res.body.length });
    expect(record.error?.kind).toBe('connection_refused');
    expect(record.error?.message).toContain('ECONNREFUSED');
    expect(res.headers['x-webstream-request-id']).toBe(record.id);
    expect(proxy.store.list({ status: 'failed' })).toHaveLength(1);
  });

  it('answers 502 to a large upload to a target that is down, closing the connection', async () => {
    const proxy = await proxyFor({ target: `http://127.0.0.1:${await closedPort()}` });
    const res = await request(`${proxy.origin}/upload`, { method: 'POST', body: Buffer.alloc(1024 * 1024, 1) });
    expect(res.status).toBe(502);
    expect(res.headers.connection).toBe('close');
    expect(await finalRecord(proxy.store, '/upload')).toMatchObject({
      failed: true,
      error: { kind: 'connection_refused' },
    });
  });

  it('answers 504 when the target does not answer within timeoutMs', async () => {
    const proxy = await proxyFor({ timeoutMs: 200 });
    const res = await request(`${proxy.origin}/hang`);
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain('did not answer in time');
    const record = await finalRecord(proxy.store, '/hang');
    expect(record).toMatchObject({ status: 504, failed: true, error: { kind: 'timeout' } });
    expect(record.durationMs).toBeGreaterThanOrEqual(199);
  });

  it('records a client that aborts mid-response, and stops the upstream response', async () => {
    const proxy = await proxyFor();
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const req = http.get(`${proxy.origin}/stream`, { agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
      }),
      5000,
      'first chunk',
    );
    const record = await finalRecord(proxy.store, '/stream');
    expect(record).toMatchObject({ status: 200, failed: true, error: { kind: 'client_aborted' } });
    expect(record.responseBytes).toBeGreaterThan(0);
    await withTimeout(streamClosed, 5000, 'the target to see its response closed');
  });

  it('records a client that gives up before the headers (status null)', async () => {
    const proxy = await proxyFor();
    const req = http.get(`${proxy.origin}/hang?abort`, { agent: false });
    req.on('error', () => {});
    await waitForRecord(proxy.store, (r) => r.url === '/hang?abort');
    req.destroy();
    const record = await finalRecord(proxy.store, '/hang?abort');
    expect(record).toMatchObject({ status: null, failed: true, error: { kind: 'client_aborted' } });
  });

  it('records a target that breaks off its response', async () => {
    const proxy = await proxyFor();
    const error = await new Promise<Error>((resolve) => {
      http.get(`${proxy.origin}/reset`, { agent: false }, (res) => {
        res.on('error', resolve);
        res.resume();
      });
    });
    expect(error.message).toMatch(/aborted|socket hang up/);
    const record = await finalRecord(proxy.store, '/reset');
    expect(record).toMatchObject({ status: 200, failed: true, error: { kind: 'upstream_aborted' } });
  });

  it('rejects bad options at once, naming what to fix', async () => {
    await expect(createDevProxy({ target: 'localhost:5173' })).rejects.toThrow(/http: or https:/);
    await expect(createDevProxy({ target: 'not a url' })).rejects.toThrow(ProxyError);
    await expect(createDevProxy({ target: target.url, port: 70000 })).rejects.toThrow(/port must be/);
    await expect(createDevProxy({ target: target.url, maxInjectBytes: 0 })).rejects.toThrow(/maxInjectBytes/);
    await expect(
      createDevProxy({ target: target.url, reserved: { prefix: '__webstream', handle: () => {} } }),
    ).rejects.toThrow(/reserved.prefix must start and end with "\/"/);
    const taken = await proxyFor();
    await expect(createDevProxy({ target: target.url, port: taken.port })).rejects.toMatchObject({
      code: 'listen_failed',
    });
  });
});

describe('createDevProxy recording', () => {
  it('redacts secret headers in records but forwards them untouched', async () => {
    const proxy = await proxyFor({ redactHeaders: ['X-Api-Key'] });
    const headers = {
      authorization: 'Bearer s3cret',
      cookie: 'sid=abc',
      'x-api-key': 'k3y',
      'proxy-authorization': 'Basic x',
      'x-plain': 'visible',
    };
    const echo = JSON.parse((await request(`${proxy.origin}/echo`, { headers })).body.toString());
    expect(echo.headers).toMatchObject(headers);
    const res = await request(`${proxy.origin}/cookies`);
    expect(res.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2']);
    const req = await finalRecord(proxy.store, '/echo');
    expect(req.requestHeaders).toMatchObject({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'proxy-authorization': '[redacted]',
      'x-plain': 'visible',
    });
    const cookies = await finalRecord(proxy.store, '/cookies');
    expect(cookies.responseHeaders?.['set-cookie']).toEqual(['[redacted]', '[redacted]']);
    expect(JSON.stringify(proxy.store.list())).not.toMatch(/s3cret|sid=abc|k3y|a=1/);
  });

  it('records bodies only when asked, capped at maxBodyBytes, text only', async () => {
    const proxy = await proxyFor({ recordBodies: true, maxBodyBytes: 100 });
    const json = JSON.stringify({ data: 'é'.repeat(300) });
    await request(`${proxy.origin}/echo`, {
      method: 'POST',
      body: json,
      headers: { 'content-type': 'application/json' },
    });
    await request(`${proxy.origin}/bytes/500`);
    const echo = await finalRecord(proxy.store, '/echo');
    expect(echo.requestBody?.truncated).toBe(true);
    expect(json.startsWith(echo.requestBody?.text ?? 'x')).toBe(true);
    expect(Buffer.byteLength(echo.requestBody?.text ?? '')).toBeLessThanOrEqual(100);
    expect(echo.responseBody).toMatchObject({ truncated: true });
    expect(echo.responseBody?.text).toMatch(/^\{"method":"POST"/);
    const binary = await finalRecord(proxy.store, '/bytes/500');
    expect(binary.responseBody).toEqual({
      text: null,
      truncated: true,
      omitted: 'not text (application/octet-stream)',
    });
    const off = await proxyFor();
    await request(`${off.origin}/echo`, {
      method: 'POST',
      body: json,
      headers: { 'content-type': 'application/json' },
    });
    expect(await finalRecord(off.store, '/echo')).toMatchObject({ requestBody: null, responseBody: null });
  });
});

describe('createDevProxy reserved path and close', () => {
  it('serves the reserved prefix itself (SSE included), neither forwarded nor recorded', async () => {
    const handled: string[] = [];
    const proxy = await proxyFor({
      reserved: {
        prefix: '/__webstream/',
        handle(req, res) {
          handled.push(req.url ?? '');
          if (req.url === '/__webstream/events') {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            res.write('data: hello\n\n');
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
        },
      },
    });
    seen.delete('/__webstream/ping');
    expect((await request(`${proxy.origin}/__webstream/ping`)).body.toString()).toBe('pong');
    expect((await request(`${proxy.origin}/__webstream?x=1`)).body.toString()).toBe('pong');
    const first = await withTimeout(
      new Promise<string>((resolve) => {
        http.get(`${proxy.origin}/__webstream/events`, { agent: false }, (res) =>
          res.once('data', (c) => resolve(String(c))),
        );
      }),
      5000,
      'the first SSE frame',
    );
    expect(first).toBe('data: hello\n\n');
    expect(handled).toEqual(['/__webstream/ping', '/__webstream?x=1', '/__webstream/events']);
    expect(seen.has('/__webstream/ping')).toBe(false);
    expect(proxy.store.stats().added).toBe(0);
    await request(`${proxy.origin}/__webstreamish`); // not under the prefix: forwarded (404 from the target)
    expect(await finalRecord(proxy.store, '/__webstreamish')).toMatchObject({ status: 404 });
  });

  it('answers 500 and reports when the reserved handler throws', async () => {
    const errors: Error[] = [];
    const proxy = await proxyFor({
      onError: (e) => errors.push(e),
      reserved: {
        prefix: '/__webstream/',
        handle: async () => {
          throw new Error('handler bug');
        },
      },
    });
    const res = await request(`${proxy.origin}/__webstream/x`);
    expect(res.status).toBe(500);
    expect(res.body.toString()).not.toContain('handler bug');
    expect(errors.map((e) => e.message)).toEqual(['handler bug']);
  });

  it('close() ends in-flight responses, records them as proxy_closed, and stops listening', async () => {
    const proxy = await proxyFor();
    const ended = new Promise<string>((resolve) => {
      const req = http.get(`${proxy.origin}/stream`, { agent: false }, (res) => {
        res.on('data', () => {});
        res.on('close', () => resolve('closed'));
      });
      req.on('error', () => resolve('closed'));
    });
    await waitForRecord(proxy.store, (r) => r.url === '/stream' && r.status === 200);
    await withTimeout(proxy.close(), 5000, 'close()');
    expect(await withTimeout(ended, 5000, 'the client to see the end')).toBe('closed');
    const record = await finalRecord(proxy.store, '/stream');
    expect(record).toMatchObject({ failed: true, error: { kind: 'proxy_closed' } });
    await expect(request(`${proxy.origin}/echo`)).rejects.toThrow(/ECONNREFUSED/);
    await proxy.close(); // idempotent
    await withTimeout(streamClosed, 5000, 'the target to see its response closed');
  });
});
