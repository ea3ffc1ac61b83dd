import { describe, expect, it } from 'vitest';
import { sendRaw } from './rawHttp.js';
import { listenLocal } from './server.js';

describe('sendRaw', () => {
  it('sends bytes as they are and parses the response the server closes', async () => {
    await using server = await listenLocal((req, res) => {
      res.setHeader('x-path', req.url ?? '');
      res.end('héllo');
    });
    const res = await sendRaw(server.port, 'GET /a%20b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    expect(res.headers['x-path']).toBe('/a%20b');
    expect(res.body).toMatch(/héllo/);
    expect(res.raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it("gets node's own 400 for a malformed request", async () => {
    await using server = await listenLocal((_req, res) => res.end());
    expect((await sendRaw(server.port, 'NOT HTTP\r\n\r\n')).status).toBe(400);
  });

  it('resolves on the awaited text of a stream that stays open', async () => {
    await using server = await listenLocal((_req, res) => res.write('event: ping\n\n'));
    const res = await sendRaw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { until: 'event: ping' });
    expect(res.status).toBe(200);
    expect(res.raw).toContain('event: ping\n\n');
  });

  it('fails after its bound when the server keeps the connection open', async () => {
    await using server = await listenLocal(() => undefined);
    await expect(sendRaw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 50 })).rejects.toThrow(
      /^timed out after 50 ms waiting for a complete response in the response to "GET/,
    );
  });
});
