// The browser /api without a browser: fixed mappings from --proxy-map and from the API, refusals with
// a 4xx saying what to fix (bad targets, loops, bad queries), --no-repl, the token, the reserved path.
import { freePort, listenLocal } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { fixtureProject, json, startTestServer, TOKEN } from './helpers.js';

const auth = { authorization: `Bearer ${TOKEN}` };
const send = (url: string, method: string, body?: unknown) =>
  fetch(url, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function devServer() {
  return listenLocal((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html', authorization: 'Bearer upstream-secret' });
      res.end('<!doctype html><html><head><title>t</title></head><body>hi</body></html>');
    } else res.writeHead(404).end();
  });
}

describe('the browser /api', () => {
  it('starts --proxy-map proxies, adds and removes fixed mappings, refuses loops and bad targets', async () => {
    await using target = await devServer();
    await using other = await devServer();
    const port = await freePort();
    await using server = await startTestServer({
      cwd: fixtureProject(),
      token: TOKEN,
      proxyMap: [`${target.url}/=${port}`],
    });
    expect((await fetch(`${server.url}/api/proxy/mappings`)).status).toBe(401);
    const { mappings } = await json(await fetch(`${server.url}/api/proxy/mappings`, { headers: auth }));
    expect(mappings).toEqual([
      expect.objectContaining({ source: 'config', proxyUrl: `http://127.0.0.1:${port}/`, processId: null }),
    ]);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    const html = await page.text();
    expect(html).toMatch(/<script nonce="[^"]+">/);
    const { requests } = await json(
      await fetch(`${server.url}/api/proxy/requests?status=2xx&method=get`, { headers: auth }),
    );
    expect(requests[0]).toMatchObject({ url: '/', status: 200, injection: { injected: true } });
    expect(requests[0].responseHeaders.authorization).toBe('[redacted]');

    const added = await send(`${server.url}/api/proxy/mappings`, 'POST', { target: other.url });
    expect(added.status).toBe(201);
    const mapping = await json(added);
    expect(mapping).toMatchObject({ target: other.url, source: 'tool' });
    expect((await fetch(mapping.proxyUrl)).status).toBe(200);

    for (const [body, message] of [
      [{ target: 'ftp://example.com' }, /http: or https:/],
      [{ target: server.url }, /this webstream server/],
      [{ target: mapping.proxyUrl }, /one of the proxies/],
      [{}, /invalid input/],
    ] as const) {
      const refused = await send(`${server.url}/api/proxy/mappings`, 'POST', body);
      expect(refused.status).toBe(400);
      expect((await json(refused)).error).toMatch(message);
    }
    const removed = await send(`${server.url}/api/proxy/mappings?target=${encodeURIComponent(other.url)}`, 'DELETE');
    expect(removed.status).toBe(204);
    expect(
      (await send(`${server.url}/api/proxy/mappings?target=${encodeURIComponent(other.url)}`, 'DELETE')).status,
    ).toBe(404);
    await expect(fetch(mapping.proxyUrl)).rejects.toThrow();
  });

  it('answers the REPL with a 404 under --no-repl, and refuses bad queries with a 400', async () => {
    await using server = await startTestServer({ cwd: fixtureProject(), noRepl: true });
    const repl = await send(`${server.url}/api/telemetry/repl`, 'POST', { code: '1+1' });
    expect(repl.status).toBe(404);
    expect((await json(repl)).error).toMatch(/--no-repl/);
    const empty = await send(`${server.url}/api/telemetry/repl`, 'POST', { code: '1+1', timeoutMs: 10 ** 9 });
    expect(empty.status).toBe(400);
    for (const query of [
      'proxy/requests?status=9xx',
      'proxy/requests?limit=0',
      'proxy/requests?method=G%20T',
      'telemetry/console?level=loud',
      'timeline?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z',
    ]) {
      const res = await fetch(`${server.url}/api/${query}`);
      expect(res.status, query).toBe(400);
      expect(typeof (await json(res)).error).toBe('string');
    }
    expect(await json(await fetch(`${server.url}/api/telemetry/sessions`))).toEqual({ sessions: [] });
    expect(await json(await fetch(`${server.url}/api/timeline`))).toMatchObject({ entries: expect.any(Array) });
  });

  it('serves the collector on the proxy origin only with the page key', async () => {
    await using target = await devServer();
    await using server = await startTestServer({ cwd: fixtureProject() });
    const mapping = await json(await send(`${server.url}/api/proxy/mappings`, 'POST', { target: target.url }));
    const origin = new URL(mapping.proxyUrl).origin;
    expect((await fetch(`${origin}/__webstream/commands?session=x&key=wrong`)).status).toBe(403);
    expect((await fetch(`${origin}/__webstream/nothing-here`)).status).toBe(404);
    const foreign = await fetch(`${origin}/__webstream/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
  });
});
