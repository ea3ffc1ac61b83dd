import { openEventSource, readUntil, until, withTimeout } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { ackFrom, identityOf, json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';

describe('POST /api/push → GET /stream (real sockets, real EventSource)', () => {
  it('delivers the seed frame: unnamed events, data "[<ISO UTC>] <message>", with an id', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream`);
    await client.opened;
    const res = await post(`${server.url}/api/push`, { message: 'deployment completed' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: 'success', clients: 1, channel: 'default', type: 'info', priority: 'normal' });
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await until(() => client.messages.length === 1, WAIT_MS, 'the message');
    expect(client.messages[0]).toEqual({ data: `[${body.timestamp}] deployment completed`, id: body.id });
  });

  it('sends multi-line messages as several data lines, and exact bytes on the wire', async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/stream`);
    const pushed = await json(await post(`${server.url}/api/push`, { message: 'line one\nline two' }));
    const text = await readUntil(res, 'line two\n\n');
    const connected = /event: connected\ndata: (\{.*\})\n/.exec(text)?.[1];
    expect(JSON.parse(connected ?? '{}')).toMatchObject({ connectionId: 1, connection: expect.stringMatching(/\.1$/) });
    expect(text).toBe(
      `: ok\nretry: 2000\n\nevent: connected\ndata: ${connected}\n\nid: ${pushed.id}\ndata: [${pushed.timestamp}] line one\ndata: line two\n\n`,
    );
  });

  it('gives JSON envelopes with ?format=json', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream?format=json`);
    await client.opened;
    const pushed = await json(
      await post(`${server.url}/api/push`, {
        message: 'm',
        data: { n: 1 },
        type: 'warning',
        channel: 'ops',
        priority: 'high',
      }),
    );
    await until(() => client.messages.length === 1, WAIT_MS, 'the envelope');
    expect(JSON.parse(client.messages[0]?.data ?? '')).toEqual({
      id: pushed.id,
      timestamp: pushed.timestamp,
      channel: 'ops',
      type: 'warning',
      priority: 'high',
      message: 'm',
      data: { n: 1 },
    });
  });

  it('filters by channel (repeatable) and by type', async () => {
    await using server = await startTestServer();
    using ops = openEventSource(`${server.url}/stream?channel=ops&channel=deploy`);
    using errors = openEventSource(`${server.url}/stream?type=error`);
    await Promise.all([ops.opened, errors.opened]);
    for (const [message, channel, type] of [
      ['a', 'ops', 'info'],
      ['b', 'chat', 'error'],
      ['c', 'deploy', 'error'],
      ['d', 'chat', 'info'],
    ]) {
      expect((await post(`${server.url}/api/push`, { message, channel, type })).status).toBe(200);
    }
    await until(() => ops.messages.length === 2 && errors.messages.length === 2, WAIT_MS, 'filtered messages');
    expect(ops.messages.map((m) => m.data.split('] ')[1])).toEqual(['a', 'c']);
    expect(errors.messages.map((m) => m.data.split('] ')[1])).toEqual(['b', 'c']);
  });

  it('replays the last N on connect with ?replay=N', async () => {
    await using server = await startTestServer();
    for (const message of ['1', '2', '3', '4']) await post(`${server.url}/api/push`, { message });
    using client = openEventSource(`${server.url}/stream?replay=2`);
    await until(() => client.messages.length === 2, WAIT_MS, 'the replay');
    expect(client.messages.map((m) => m.data.split('] ')[1])).toEqual(['3', '4']);
  });

  it('resumes after a dropped connection with Last-Event-ID: exactly the missed messages', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream`);
    await client.opened;
    const ids: string[] = [];
    const push = async (message: string) =>
      ids.push((await json(await post(`${server.url}/api/push`, { message }))).id);
    await push('before-1');
    await push('before-2');
    await until(() => client.messages.length === 2, WAIT_MS, 'two messages');
    client.es.onerror = () => undefined;
    // Drop the connection from the server side (operator action), then publish while it is down.
    const list = await json(await fetch(`${server.url}/api/clients`));
    const dropped = new Promise<void>((resolve) => {
      client.es.onerror = () => resolve();
    });
    await fetch(`${server.url}/api/clients/${list.clients[0].id}`, { method: 'DELETE' });
    await withTimeout(dropped, WAIT_MS, 'the client to see its connection dropped');
    await push('missed-1');
    await push('missed-2');
    await until(() => client.messages.length === 4, WAIT_MS, 'the missed messages after reconnect');
    // A marker published after them arrives after anything the resume could still send (one ordered
    // connection): seeing it next proves nothing was duplicated or sent twice.
    await push('marker');
    await until(() => client.messages.length >= 5, WAIT_MS, 'the marker');
    expect(client.messages.map((m) => m.data.split('] ')[1])).toEqual([
      'before-1',
      'before-2',
      'missed-1',
      'missed-2',
      'marker',
    ]);
    expect(client.messages.map((m) => m.id)).toEqual(ids);
  });

  it('signals a gap when the Last-Event-ID is too old', async () => {
    await using server = await startTestServer({ historySize: 2 });
    const first = await json(await post(`${server.url}/api/push`, { message: 'first' }));
    for (const message of ['2', '3', '4']) await post(`${server.url}/api/push`, { message });
    using client = openEventSource(`${server.url}/stream`, { headers: { 'Last-Event-ID': first.id } });
    await until(() => client.messages.length === 2, WAIT_MS, 'retained messages');
    expect(JSON.parse(client.named[0]?.data ?? '{}')).toMatchObject({ reason: 'expired', lastEventId: first.id });
    expect(client.messages.map((m) => m.data.split('] ')[1])).toEqual(['3', '4']);
  });
});

describe('errors: a clear 4xx, nothing lost, server stays up', () => {
  it('400 for bad JSON and for schema errors, with field issues', async () => {
    await using server = await startTestServer();
    const bad = await post(`${server.url}/api/push`, '{"message": ');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/body is not valid JSON/);
    const schema = await post(`${server.url}/api/push`, { message: 'x', type: 'fatal', channel: 'a b' });
    expect(schema.status).toBe(400);
    const body = await json(schema);
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['channel', 'type']);
    expect((await post(`${server.url}/api/push`, {})).status).toBe(400);
  });

  it('413 over the body limit, exactly at the edge', async () => {
    await using server = await startTestServer({ maxBodyBytes: 1000 });
    const fits = JSON.stringify({ message: 'x'.repeat(1000 - 14) });
    expect(fits.length).toBe(1000);
    expect((await post(`${server.url}/api/push`, fits)).status).toBe(200);
    const over = await post(`${server.url}/api/push`, JSON.stringify({ message: 'x'.repeat(1000 - 13) }));
    expect(over.status).toBe(413);
    expect((await json(over)).error).toMatch(/larger than 1000 bytes/);
  });

  it('415 for a non-JSON content type (blocks cross-site form posts)', async () => {
    await using server = await startTestServer();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${server.url}/api/push`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"message":"x"}',
      });
      expect(res.status).toBe(415);
    }
    expect(server.service.hub.stats().published).toBe(0);
  });

  it('429 over the rate limit for an anonymous remote publisher, with Retry-After; the burst is allowed exactly', async () => {
    await using server = await startTestServer({ rateLimit: 1, rateBurst: 3, trustProxy: '1' });
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await post(`${server.url}/api/push`, { message: String(i) }, remote)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(`${server.url}/api/push`, { message: 'x' }, remote);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await json(limited)).error).toMatch(/rate limit exceeded \(1\/s, burst 3\)/);
  });

  it('403 for a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    await using server = await startTestServer();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/stats', headers: { host: 'attacker.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.end();
    });
    expect(status).toBe(403);
    const cross = await post(`${server.url}/api/push`, { message: 'csrf' }, { origin: 'https://attacker.example' });
    expect(cross.status).toBe(403);
    const same = await post(`${server.url}/api/push`, { message: 'ok' }, { origin: server.url });
    expect(same.status).toBe(200);
  });

  it('503 (JSON, Retry-After) past the connection limit, 429 (Retry-After) past the per-client limit', async () => {
    await using server = await startTestServer({ maxConnections: 2 });
    const a = await fetch(`${server.url}/stream`);
    const b = await fetch(`${server.url}/stream`);
    const c = await fetch(`${server.url}/stream`);
    expect(c.status).toBe(503);
    expect(c.headers.get('content-type')).toMatch(/^application\/json/);
    expect(c.headers.get('retry-after')).toBe('5');
    expect((await json(c)).error).toMatch(/connection limit reached \(2\)/);
    await a.body?.cancel();
    await b.body?.cancel();
    await using limited = await startTestServer({ maxConnectionsPerClient: 1 });
    const first = await fetch(`${limited.url}/stream`);
    const second = await fetch(`${limited.url}/stream`);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('5');
    expect((await json(second)).error).toMatch(/too many streams from this client \(limit 1\)/);
    await first.body?.cancel();
  });

  it('400 for bad stream parameters', async () => {
    await using server = await startTestServer();
    for (const q of ['channel=a%20b', 'type=fatal', 'format=xml', 'replay=-1', 'replay=5000']) {
      const res = await fetch(`${server.url}/stream?${q}`);
      expect(res.status, q).toBe(400);
      expect((await json(res)).error).toBeTruthy();
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('auth', () => {
  it('off by default; on with --token: bearer to publish, cookie or single-use ticket to subscribe, never a token in the URL', async () => {
    await using server = await startTestServer({ token: TOKEN });
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const noAuth = await post(`${server.url}/api/push`, { message: 'x' });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(
      (await post(`${server.url}/api/push`, { message: 'x' }, { authorization: 'Bearer wrong-token-xxxxxxxx' })).status,
    ).toBe(401);
    expect((await fetch(`${server.url}/stream`)).status).toBe(401);
    expect((await fetch(`${server.url}/stream?token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);

    // Ticket: short-lived, single use.
    const { ticket } = await json(await post(`${server.url}/api/ticket`, {}, bearer));
    using viaTicket = openEventSource(`${server.url}/stream?ticket=${ticket}`);
    await viaTicket.opened;
    expect((await fetch(`${server.url}/stream?ticket=${ticket}`)).status).toBe(401);

    // Cookie: HttpOnly, SameSite=Strict, from POST /api/session.
    const session = await post(`${server.url}/api/session`, {}, bearer);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^webstream_session=\d+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict/);
    using viaCookie = openEventSource(`${server.url}/stream`, { headers: { cookie: cookie.split(';')[0] as string } });
    await viaCookie.opened;
    expect((await post(`${server.url}/api/session`, {}, { cookie: cookie.split(';')[0] as string })).status).toBe(401);

    const pushed = await post(`${server.url}/api/push`, { message: 'secret news' }, bearer);
    expect(pushed.status).toBe(200);
    await until(() => viaTicket.messages.length === 1 && viaCookie.messages.length === 1, WAIT_MS, 'both subscribers');
    expect((await fetch(`${server.url}/metrics`, { headers: bearer })).status).toBe(200);
  });

  it('with auth off, the same routes are open and /api/session says so', async () => {
    await using server = await startTestServer();
    expect(await json(await post(`${server.url}/api/session`, {}))).toEqual({ status: 'ok', auth: 'disabled' });
    expect((await fetch(`${server.url}/api/stats`)).status).toBe(200);
  });
});

describe('CORS', () => {
  it('is off unless configured; an allowlisted origin gets headers and a preflight', async () => {
    await using closed = await startTestServer();
    const none = await fetch(`${closed.url}/api/stats`, { headers: { origin: 'https://app.example' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();

    await using server = await startTestServer({ cors: ['https://app.example'] });
    const preflight = await fetch(`${server.url}/api/push`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const res = await post(`${server.url}/api/push`, { message: 'x' }, { origin: 'https://app.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const stream = await fetch(`${server.url}/stream`, { headers: { origin: 'https://app.example' } });
    expect(stream.headers.get('access-control-allow-origin')).toBe('https://app.example');
    await stream.body?.cancel();
    const other = await fetch(`${server.url}/api/push`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.status).toBe(403);
  });
});

describe('acknowledgements, stats, history, metrics, health, page', () => {
  it('counts who received and who acknowledged a message, by connection', async () => {
    await using server = await startTestServer();
    using a = openEventSource(`${server.url}/stream`, { named: ['gap', 'connected'] });
    using b = openEventSource(`${server.url}/stream`, { named: ['gap', 'connected'] });
    await Promise.all([a.opened, b.opened]);
    const [ida, idb] = [await identityOf(a), await identityOf(b)];
    const { id, clients } = await json(await post(`${server.url}/api/push`, { message: 'ack me' }));
    expect(clients).toBe(2);
    await until(() => a.messages.length === 1, WAIT_MS, 'delivery');
    expect((await post(`${server.url}/api/ack`, ackFrom(id, ida))).status).toBe(200);
    await post(`${server.url}/api/ack`, ackFrom(id, ida)); // idempotent
    const after = await json(await post(`${server.url}/api/ack`, ackFrom(id, idb)));
    expect(after).toMatchObject({ id, reached: 2, acknowledged: 2 });
    expect(after.recipients).toEqual(
      expect.arrayContaining([{ connection: ida.connection }, { connection: idb.connection }]),
    );
    expect(after.acks.map((x: { connection: string }) => x.connection)).toEqual([ida.connection, idb.connection]);
    expect(await json(await fetch(`${server.url}/api/messages/${id}`))).toEqual(after);
    expect((await post(`${server.url}/api/ack`, ackFrom('nope', ida))).status).toBe(404);
    expect((await post(`${server.url}/api/ack`, { id, connection: 'bad id!' })).status).toBe(400);
    // Nobody acknowledges for another connection: a's id with b's key, or no connection at all.
    expect((await post(`${server.url}/api/ack`, { id, connection: ida.connection, key: idb.ackKey })).status).toBe(403);
    expect((await post(`${server.url}/api/ack`, { id, clientId: 'tab-a' })).status).toBe(400);
  });

  it('reports the same figures on /api/stats and /metrics, and serves health and history', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream?channel=ops`);
    await client.opened;
    await post(`${server.url}/api/push`, { message: 'one', channel: 'ops' });
    await post(`${server.url}/api/push`, { message: 'two', channel: 'other' });
    await until(() => client.messages.length === 1, WAIT_MS, 'delivery');
    const stats = await json(await fetch(`${server.url}/api/stats`));
    expect(stats).toMatchObject({
      clients: 1,
      channels: { ops: 1 },
      published: 2,
      delivered: 2, // the `connected` event and 'one'
      dropped: 0,
      historySize: 1000,
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^webstream_clients\{channel="ops"\} 1$/m);
    expect(metrics).toMatch(/^webstream_events_published_total 2$/m);
    expect(metrics).toMatch(/^webstream_events_delivered_total 2$/m);
    expect(metrics).toMatch(/^webstream_process_cpu_user_seconds_total /m);
    const history = await json(await fetch(`${server.url}/api/history?channel=ops`));
    expect(history.messages.map((m: { message: string }) => m.message)).toEqual(['one']);
    expect(await json(await fetch(`${server.url}/health`))).toMatchObject({ status: 'ok', clients: 1 });
  });

  it('serves the dashboard (or the minimal page) only ever setting text, under a strict CSP', async () => {
    await using server = await startTestServer();
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    for (const src of [...scripts, '/page.js']) {
      const js = await fetch(`${server.url}${src}`);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      const code = await js.text();
      expect(code).toMatch(/textContent/);
      expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    expect((await fetch(`${server.url}/assets/../../etc/passwd`)).status).toBe(404);
  });
});
