import { request } from 'node:http';
import { openEventSource } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';

/** GET with an arbitrary Host header (fetch cannot set Host). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/health and the Host check (DNS rebinding)', () => {
  it('gives the details to this server’s own names only; any other Host gets {status} alone', async () => {
    await using server = await startTestServer({ allowedHosts: ['webstream.internal'] });
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `[::1]:${server.port}`,
      'webstream.internal',
    ]) {
      const res = await getWithHost(server.port, '/health', host);
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.body), host).toMatchObject({ status: 'ok', clients: 0, backend: { type: 'memory' } });
      expect(JSON.parse(res.body).version, host).toBeTypeOf('string');
    }
    for (const host of ['attacker.example', `attacker.example:${server.port}`, '10.1.2.3']) {
      const res = await getWithHost(server.port, '/health', host);
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.body), host).toEqual({ status: 'ok' });
    }
    // Everything else stays refused for a foreign Host.
    expect((await getWithHost(server.port, '/api/stats', 'attacker.example')).status).toBe(403);
  });
});

describe('subscribe tickets are spent only by a stream that opens', () => {
  it('a request refused for its parameters, its address cap or a HEAD leaves the ticket usable; success spends it', async () => {
    await using server = await startTestServer({ token: TOKEN, maxConnectionsPerClient: 1 });
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const { ticket } = await json(await post(`${server.url}/api/ticket`, {}, bearer));
    for (const q of ['channel=a%20b', 'type=fatal', 'format=xml', 'replay=-1', 'replay=1.5']) {
      const res = await fetch(`${server.url}/stream?ticket=${ticket}&${q}`);
      expect(res.status, q).toBe(400);
    }
    const head = await fetch(`${server.url}/stream?ticket=${ticket}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // The one stream this address may hold is taken: 429, ticket kept.
    const held = await fetch(`${server.url}/stream`, { headers: bearer });
    expect(held.status).toBe(200);
    const capped = await fetch(`${server.url}/stream?ticket=${ticket}`);
    expect(capped.status).toBe(429);
    await held.body?.cancel();
    await expect.poll(() => server.service.hub.stats().clients, { timeout: WAIT_MS }).toBe(0);

    using viaTicket = openEventSource(`${server.url}/stream?ticket=${ticket}`);
    await viaTicket.opened;
    viaTicket.es.close();
    await expect.poll(() => server.service.hub.stats().clients, { timeout: WAIT_MS }).toBe(0);
    const again = await fetch(`${server.url}/stream?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect((await json(again)).error).toMatch(/authentication required/);
  });
});
