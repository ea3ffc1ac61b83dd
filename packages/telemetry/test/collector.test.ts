// The collector's HTTP handler over real sockets: every refusal a 4xx with a message, the limits at
// their edges, events out.
import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { batch, type Collector, consoleItem, startCollector } from './collector.js';
import { waitFor } from './harness.js';

let collector: Collector;
afterEach(async () => {
  await collector?.close();
});

const SESSION = 'session-0001';

function rawPost(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${collector.url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('collector HTTP', () => {
  test('a valid batch is stored and answered with what was accepted', async () => {
    collector = await startCollector();
    const items = [
      consoleItem('hello'),
      {
        kind: 'network',
        at: Date.now(),
        via: 'fetch',
        method: 'GET',
        url: '/x',
        status: 503,
        durationMs: 4,
        requestId: 'r-9',
      },
    ];
    const answer = await collector.post('/__webstream/telemetry', batch(SESSION, items));
    expect(answer).toMatchObject({ status: 200, body: { accepted: 2, dropped: 0 } });
    expect(collector.telemetry.session(SESSION)).toMatchObject({
      processId: 'dev-1',
      origin: collector.url,
      counts: { console: 1, network: 1 },
    });
    expect(collector.telemetry.consoleEntries()[0]).toMatchObject({
      text: 'hello',
      processId: 'dev-1',
      sessionId: SESSION,
    });
    expect(collector.telemetry.networkFailures()[0]).toMatchObject({
      status: 503,
      requestId: 'r-9',
      pageUrl: 'http://127.0.0.1/app',
    });
    expect(collector.events.map((event) => event.type)).toEqual(['session-started', 'network-error']);
  });

  test('paths outside the base, or under it but not the collector, are left to the caller', async () => {
    collector = await startCollector();
    for (const path of ['/', '/__webstream', '/__webstream/other', '/api/telemetry']) {
      const response = await fetch(collector.url + path);
      expect(await response.text()).toBe('not the collector');
    }
  });

  test('wrong method: 405 with Allow', async () => {
    collector = await startCollector();
    const response = await fetch(`${collector.url}/__webstream/telemetry`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ error: '/__webstream/telemetry takes POST' });
  });

  test('Origin and key: 403 with a message', async () => {
    collector = await startCollector();
    const good = batch(SESSION, []);
    expect(await collector.post('/__webstream/telemetry', good, { origin: 'http://evil.example' })).toMatchObject({
      status: 403,
      body: { error: 'Origin http://evil.example is not the origin the page was served from' },
    });
    expect(
      (await rawPost('/__webstream/telemetry', JSON.stringify(good), { 'content-type': 'application/json' })).status,
    ).toBe(403);
    expect(await collector.post('/__webstream/telemetry', { ...good, key: 'old-key' })).toMatchObject({
      status: 403,
      body: { error: 'wrong or missing page key: the page was loaded before this server started; reload it' },
    });
    const stream = await fetch(`${collector.url}/__webstream/commands?session=${SESSION}&key=nope`);
    expect(stream.status).toBe(403);
    const crossSite = await fetch(`${collector.url}/__webstream/commands?session=${SESSION}&key=test-key`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(collector.telemetry.sessions()).toEqual([]);
  });

  test('without origins from the proxy, only a loopback Host is trusted as the page origin', async () => {
    collector = await startCollector({}, false);
    expect((await collector.post('/__webstream/telemetry', batch(SESSION, []))).status).toBe(200);
    const port = new URL(collector.url).port;
    const rebound = await rawPost('/__webstream/telemetry', JSON.stringify(batch(SESSION, [])), {
      'content-type': 'application/json',
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
    });
    expect(rebound).toEqual({
      status: 403,
      text: JSON.stringify({ error: 'no page origin is allowed: the proxy must pass its own origin' }),
    });
  });

  test('content type, size, JSON, depth and schema: 415, 413, 400 with messages', async () => {
    collector = await startCollector({ maxBodyBytes: 2000 });
    const origin = collector.url;
    expect(await rawPost('/__webstream/telemetry', '{}', { 'content-type': 'application/xml', origin })).toMatchObject({
      status: 415,
    });
    const big = JSON.stringify(batch(SESSION, [consoleItem('x'.repeat(3000))]));
    expect(await rawPost('/__webstream/telemetry', big, { 'content-type': 'application/json', origin })).toEqual({
      status: 413,
      text: JSON.stringify({ error: 'the body is larger than 2000 bytes' }),
    });
    const chunked = await rawPost('/__webstream/telemetry', big, {
      'content-type': 'text/plain',
      origin,
      'transfer-encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    expect(await collector.post('/__webstream/telemetry', '{"key":')).toMatchObject({ status: 400 });
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    expect(await collector.post('/__webstream/telemetry', deep)).toMatchObject({
      status: 400,
      body: { error: 'JSON nested deeper than 32 levels' },
    });
    const bad = await collector.post(
      '/__webstream/telemetry',
      batch(SESSION, [{ ...consoleItem('x'), level: 'loud' }]),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid telemetry batch: items\[0\]\.level: /);
    const beacon = await rawPost('/__webstream/telemetry', JSON.stringify(batch(SESSION, [])), {
      'content-type': 'text/plain;charset=UTF-8',
      origin,
    });
    expect(beacon.status).toBe(200);
  });

  test('per-session rate limit: a partial batch is accepted and the rest counted; an empty bucket answers 429', async () => {
    collector = await startCollector({ sessionRate: { perSecond: 1, burst: 5 } });
    const items = Array.from({ length: 8 }, (_, i) => consoleItem(`line ${i}`));
    expect(await collector.post('/__webstream/telemetry', batch(SESSION, items))).toMatchObject({
      status: 200,
      body: { accepted: 5, dropped: 3 },
    });
    const note = collector.telemetry.consoleEntries({ limit: 1 })[0];
    expect(note).toMatchObject({
      source: 'webstream',
      text: 'webstream: the server dropped 3 console calls (over the per-session rate limit)',
    });
    const refused = await collector.post('/__webstream/telemetry', batch(SESSION, items));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.error).toBe('this page session is over its rate limit; retry in 1 s');
    expect(collector.telemetry.session(SESSION)?.counts).toMatchObject({ console: 5, droppedOnServer: 3 });
    // A visibility change is never rate-limited.
    const state = await collector.post(
      '/__webstream/telemetry',
      batch(SESSION, [{ kind: 'visibility', at: Date.now(), state: 'hidden', focused: false }], {
        visibility: 'hidden',
      }),
    );
    expect(state.status).toBe(200);
    expect(collector.telemetry.session(SESSION)?.visibility).toBe('hidden');
  });

  test('sessions bounded at the edge: the evicted one ends with reason evicted', async () => {
    collector = await startCollector({ maxSessions: 2 });
    for (const id of ['session-a001', 'session-b002', 'session-c003'])
      await collector.post('/__webstream/telemetry', batch(id, []));
    expect(
      collector.telemetry
        .sessions()
        .map((session) => session.id)
        .sort(),
    ).toEqual(['session-b002', 'session-c003']);
    expect(collector.events.find((event) => event.type === 'session-ended')).toMatchObject({
      reason: 'evicted',
      session: { id: 'session-a001' },
    });
  });

  test('a session unseen for the timeout ends (timeout); the next batch reopens it', async () => {
    let clock = Date.now();
    collector = await startCollector({ sessionTimeoutMs: 2000, now: () => clock });
    await collector.post('/__webstream/telemetry', batch(SESSION, []));
    clock += 5000;
    await waitFor(() => collector.telemetry.session(SESSION)?.state === 'closed', 'the sweep', 5000);
    expect(collector.telemetry.session(SESSION)?.closeReason).toBe('timeout');
    await collector.post('/__webstream/telemetry', batch(SESSION, []));
    expect(
      collector.events
        .filter((event) => event.type.startsWith('session'))
        .map((event) => (event.type === 'session-started' ? `started${event.reopened ? ' again' : ''}` : event.type)),
    ).toEqual(['started', 'session-ended', 'started again']);
  });

  test('error events: the first occurrence, then at most one per interval with the count since', async () => {
    let clock = 1_700_000_000_000;
    collector = await startCollector({ errorEventIntervalMs: 5000, now: () => clock, sourceMaps: null });
    const error = { kind: 'error', at: clock, type: 'error', name: 'Error', message: 'loop 1', count: 1 };
    for (let i = 0; i < 5; i++)
      await collector.post('/__webstream/telemetry', batch(SESSION, [{ ...error, message: `loop ${i}`, count: 10 }]));
    await waitFor(() => collector.telemetry.errors()[0]?.count === 50, 'five batches grouped');
    clock += 6000;
    await collector.post('/__webstream/telemetry', batch(SESSION, [error]));
    await waitFor(() => collector.telemetry.errors()[0]?.count === 51, 'the sixth');
    const errorEvents = collector.events.filter((event) => event.type === 'error');
    expect(errorEvents.map((event) => event.type === 'error' && [event.first, event.occurrences])).toEqual([
      [true, 10],
      [false, 41],
    ]);
    expect(collector.telemetry.errors()).toHaveLength(1);
  });

  test('console-error events: at most consoleErrorEventsPerSecond per session, every line stored', async () => {
    collector = await startCollector({ consoleErrorEventsPerSecond: 3 });
    const items = Array.from({ length: 10 }, (_, i) => consoleItem(`bad ${i}`, 'error'));
    await collector.post('/__webstream/telemetry', batch(SESSION, items));
    expect(collector.events.filter((event) => event.type === 'console-error')).toHaveLength(3);
    expect(collector.telemetry.consoleEntries({ levels: ['error'] })).toHaveLength(10);
  });

  test('onChange coalesces the stores that changed', async () => {
    collector = await startCollector();
    const seen: string[][] = [];
    collector.telemetry.onChange((stores) => seen.push([...stores].sort()));
    await collector.post('/__webstream/telemetry', batch(SESSION, [consoleItem('a'), consoleItem('b')]));
    await waitFor(() => seen.length > 0, 'a change');
    expect(seen).toEqual([['console', 'sessions']]);
  });

  test('options that cannot work throw at once', async () => {
    const { createTelemetry } = await import('../src/index.js');
    expect(() => createTelemetry({ base: 'no-slash' })).toThrow('base must be a path that starts and ends with "/"');
    expect(() => createTelemetry({ maxSessions: 0 })).toThrow('maxSessions must be at least 1 (got 0)');
    expect(() => createTelemetry({ key: 'has space' })).toThrow('key must be 1 to 200 printable ASCII characters');
  });
});
