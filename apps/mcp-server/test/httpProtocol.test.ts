import { connect } from 'node:net';
import { type RawResponse, sendRaw } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config/config.js';
import { createLogger } from '../src/server/logger.js';
import { startServer } from '../src/server/startServer.js';
import { WAIT_MS } from './helpers.js';

/** Sends raw bytes and reads until the server closes the connection (every request here asks it to). */
const raw = (port: number, text: string | Buffer) => sendRaw(port, text, { encoding: 'latin1', timeoutMs: WAIT_MS });

const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;

/** A real server whose error log the test reads: the app's last-resort 500 must never be reached. */
async function serverWithLog() {
  const errors: string[] = [];
  const logger = createLogger('error', (line) => errors.push(line));
  const running = await startServer(ConfigSchema.parse({ port: 0, logLevel: 'silent' }), logger);
  return Object.assign(running, { errors, [Symbol.asyncDispose]: () => running.close() });
}

/** The text body Node's own protocol answers now carry: complete, sized and closing. */
function expectTextAnswer(res: RawResponse, status: number, text: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.headers.connection).toBe('close');
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  expect(res.body).toMatch(text);
}

describe('protocol errors: a 4xx with a body saying what to fix (raw sockets)', () => {
  it('431 with a text body for oversized headers or a huge query string; a long query within the limit is fine', async () => {
    await using server = await serverWithLog();
    expectTextAnswer(
      await raw(server.port, get('/api/stats', `X-Big: ${'a'.repeat(20_000)}\r\n`)),
      431,
      /^request line and headers are larger than 16384 bytes; send a shorter URL/,
    );
    expectTextAnswer(await raw(server.port, get(`/api/stats?${'a=b&'.repeat(5000)}`)), 431, /larger than 16384 bytes/);
    const long = await raw(server.port, get(`/api/history?${'x=y&'.repeat(3000)}limit=5`));
    expect(long.status).toBe(200);
    expect(server.errors).toEqual([]);
  });

  it('400 with a text body for a malformed request line, header or Content-Length; 417 for an unknown Expect', async () => {
    await using server = await serverWithLog();
    for (const bad of [
      'GARBAGE\r\n\r\n',
      'get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n',
      'POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
      'POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      expectTextAnswer(
        await raw(server.port, bad),
        400,
        /^malformed HTTP request \(HPE_[A-Z_]+: .+\); send a valid HTTP\/1\.1 request\n$/,
      );
    }
    const expectation = await raw(
      server.port,
      'POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(expectation.status).toBe(417);
    expect(expectation.body).toMatch(/only "Expect: 100-continue" is supported/);
    expect(server.errors).toEqual([]);
  });

  it('405 with a text body for CONNECT (not a proxy)', async () => {
    await using server = await serverWithLog();
    const res = await raw(server.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expectTextAnswer(res, 405, /CONNECT is not supported: webstream is not a proxy/);
    expect(res.headers.allow).toBe('GET, HEAD, POST, DELETE, OPTIONS');
  });

  it('400 JSON for a request without Host, with an invalid Host, a backslash path or an unusable target', async () => {
    await using server = await serverWithLog();
    const cases: [string, RegExp][] = [
      ['GET /api/stats HTTP/1.0\r\n\r\n', /Missing host header/],
      ['GET /api/stats HTTP/1.1\r\nConnection: close\r\n\r\n', /Missing host header/],
      ['GET /api/stats HTTP/1.1\r\nHost: x@y\r\nConnection: close\r\n\r\n', /Invalid host header/],
      ['GET /a\\b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', /Backslash in request path/],
      ['OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', /Invalid URL/],
      ['GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', /Invalid absolute URL/],
    ];
    for (const [request, error] of cases) {
      const res = await raw(server.port, request);
      expect(res.status, request).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res.body).error).toMatch(error);
    }
    expect(server.errors).toEqual([]);
  });

  it('HEAD /stream answers the stream headers without subscribing; other methods and odd paths get a JSON 4xx', async () => {
    await using server = await serverWithLog();
    const head = await raw(
      server.port,
      'HEAD /stream?channel=ops HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(head.body).toBe('');
    expect(server.service.hub.stats().clients).toBe(0);
    const badHead = await raw(
      server.port,
      'HEAD /stream?format=xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(badHead.status).toBe(400);

    const cases: [string, number][] = [
      ['PROPFIND /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 404],
      ['TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 404],
      ['PUT /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 405],
      ['PATCH /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 404],
      [get('/%ZZ%'), 404],
      [get('/api/processes/%E0%A4%A/logs'), 404],
      [get('/api/messages/%FF%FE'), 404],
      [get('/stream?channel=%ZZ'), 400],
      [get('/stream?replay=%'), 400],
      [get('/api/history?limit=%FF'), 400],
      ['DELETE /api/clients/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 404],
    ];
    for (const [request, status] of cases) {
      const res = await raw(server.port, request);
      expect(res.status, request).toBe(status);
      expect(res.headers['content-type'], request).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body), request).not.toThrow();
    }
    expect(server.errors).toEqual([]);
  });

  it('a client that goes away in the middle of a body leaves nothing behind but a closed socket', async () => {
    await using server = await serverWithLog();
    for (const framing of ['Content-Length: 100', 'Transfer-Encoding: chunked']) {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const partial = framing.startsWith('Content') ? '{"message":' : '20\r\n{"message":';
      const head = `POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
      await new Promise((flushed) => socket.write(`${head}${partial}`, flushed));
      socket.destroy();
    }
    const after = await raw(server.port, get('/api/stats'));
    expect(after.status).toBe(200);
    expect(server.service.hub.stats().published).toBe(0);
    expect(server.errors).toEqual([]);
  });

  it('resumes from any Last-Event-ID value (garbage, out of range, non-ASCII) and refuses an oversized one', async () => {
    await using server = await serverWithLog();
    const open = async (extra: string, path = '/stream') =>
      (
        await sendRaw(
          server.port,
          Buffer.concat([
            Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'latin1'),
            Buffer.from(extra, 'latin1'),
            Buffer.from('\r\n'),
          ]),
          { until: 'event: replayed', timeoutMs: WAIT_MS },
        )
      ).raw;
    for (const value of [
      'not-an-id',
      '99999999999999999999999-99999999999999999999',
      '-1-1',
      '0-0',
      '\xff\xfeA',
      '1e309-NaN',
    ]) {
      const res = await open(`Last-Event-ID: ${value}\r\n`);
      expect(res, value).toMatch(/^HTTP\/1\.1 200 /);
      expect(res, value).toMatch(/event: gap\ndata: \{"reason":"unknown","lastEventId":/);
    }
    // An id longer than any the stream sends is not a position at all: 400, saying why.
    const long = await fetch(`${server.url}/stream?replay=1`, { headers: { 'Last-Event-ID': '9'.repeat(300) } });
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/lastEventId must be an event id the stream sent: at most 256 characters/);
    expect(server.errors).toEqual([]);
  });
});
