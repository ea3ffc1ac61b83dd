// GET /ws over real sockets with the `ws` client: the protocol, resume, and the checks shared with /stream.
import { openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';
import { openWs, refusedUpgrade } from './wsClient.js';

const ids = (messages: { id: string }[]) => messages.map((m) => m.id);
const increasing = (list: string[]) => list.every((id, i) => i === 0 || id > (list[i - 1] as string));

describe('GET /ws: subscribe, receive, change live, publish, ack', () => {
  it('speaks the protocol on the same hub as /stream', async () => {
    await using server = await startTestServer();
    using client = openWs(`${server.url}/ws?channel=a`);
    await client.opened;
    const welcome = await client.waitFor((m) => m.kind === 'welcome', 'welcome');
    expect(welcome).toEqual({
      kind: 'welcome',
      connectionId: expect.any(Number),
      connection: expect.stringMatching(new RegExp(`^[0-9a-f]+\\.${welcome.connectionId}$`)),
      ackKey: expect.any(String),
      channels: ['a'],
      types: null,
    });
    expect(client.received[0]).toBe(welcome);

    const pushed = await json(await post(`${server.url}/api/push`, { channel: 'a', message: 'over http' }));
    expect(pushed.clients).toBe(1);
    await client.waitFor((m) => m.kind === 'event', 'the pushed event');
    expect(client.events()[0]).toEqual({
      id: pushed.id,
      timestamp: pushed.timestamp,
      channel: 'a',
      type: 'info',
      priority: 'normal',
      message: 'over http',
    });

    client.send({ kind: 'subscribe', ref: 1, channels: ['b'] });
    expect(await client.waitFor((m) => m.ref === 1, 'subscribed')).toEqual({
      kind: 'subscribed',
      ref: 1,
      channels: ['a', 'b'],
      types: null,
    });
    client.send({ kind: 'publish', ref: 'p', message: { channel: 'b', message: 'over ws', data: { n: 1 } } });
    const published = await client.waitFor((m) => m.ref === 'p', 'published');
    expect(published).toMatchObject({ kind: 'published', result: { channel: 'b', clients: 1 } });
    await until(() => client.events().length === 2, WAIT_MS, 'the published event');
    expect(client.events()[1]).toMatchObject({ id: published.result.id, message: 'over ws', data: { n: 1 } });

    using sse = openEventSource(`${server.url}/stream?channel=b&format=json`);
    await sse.opened;
    client.send({ kind: 'unsubscribe', ref: 2, channels: ['a'] });
    await client.waitFor((m) => m.ref === 2, 'unsubscribed');
    await post(`${server.url}/api/push`, { channel: 'a', message: 'not for the socket any more' });
    client.send({ kind: 'publish', ref: 3, message: { channel: 'b', message: 'to both' } });
    await until(
      () => client.events().length === 3 && sse.messages.length === 1,
      WAIT_MS,
      'the event on both transports',
    );
    expect(JSON.parse(sse.messages[0]?.data ?? '')).toEqual(client.events()[2]);
    expect(increasing(ids(client.events()))).toBe(true);

    client.send({ kind: 'ack', ref: 4, id: pushed.id });
    const acked = await client.waitFor((m) => m.ref === 4, 'acked');
    expect(acked).toEqual({
      kind: 'acked',
      ref: 4,
      status: {
        id: pushed.id,
        reached: 1,
        acknowledged: 1,
        recipients: [{ connection: welcome.connection }],
        acks: [{ connection: welcome.connection, at: expect.any(String) }],
      },
    });
    client.send({ kind: 'ack', ref: 5, id: 'nope' });
    expect(await client.waitFor((m) => m.ref === 5, 'unknown ack')).toMatchObject({ kind: 'error', status: 404 });

    const listed = await json(await fetch(`${server.url}/api/clients`));
    expect(listed.clients.map((c: { transport: string }) => c.transport).sort()).toEqual(['sse', 'ws']);
    const subs = await json(await fetch(`${server.url}/api/connections/${welcome.connectionId}/subscriptions`));
    expect(subs).toEqual({ connectionId: welcome.connectionId, transport: 'ws', channels: ['b'], types: null });
  });

  it('answers a bad message with an error saying what to fix, and stays open', async () => {
    await using server = await startTestServer();
    using client = openWs(`${server.url}/ws`);
    await client.opened;
    client.send('not json');
    expect(await client.waitFor((m) => m.kind === 'error', 'error')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^message is not JSON .*send e\.g\. \{"kind":"subscribe"/),
    });
    client.send({ kind: 'subscribe', ref: 'x', channels: ['no spaces'] });
    const invalid = await client.waitFor((m) => m.ref === 'x', 'invalid');
    expect(invalid).toMatchObject({ kind: 'error', status: 400, issues: [{ path: 'channels.0' }] });
    client.send({ kind: 'unsubscribe', ref: 'y', channels: ['a'] });
    expect((await client.waitFor((m) => m.ref === 'y', 'refused')).message).toMatch(/receives every channel/);
    client.send({ kind: 'publish', ref: 'z', message: {} });
    expect(await client.waitFor((m) => m.ref === 'z', 'empty push')).toMatchObject({
      status: 400,
      issues: [{ path: 'message.message', message: 'give a message, data, or both' }],
    });
    client.ws.send(Buffer.from([1, 2]), { binary: true });
    await until(() => client.received.filter((m) => m.kind === 'error').length === 5, WAIT_MS, 'binary refused');
    client.send({ kind: 'subscribe', ref: 'ok', replace: true, channels: ['a'] });
    expect(await client.waitFor((m) => m.ref === 'ok', 'still open')).toMatchObject({ channels: ['a'] });
  });
});

describe('GET /ws: resume after a reconnect', () => {
  it('delivers every missed event in order, then replayed; a gap first when history no longer has them', async () => {
    await using server = await startTestServer({ historySize: 5 });
    const first = openWs(`${server.url}/ws`);
    await first.opened;
    for (const n of [1, 2]) await post(`${server.url}/api/push`, { message: `m${n}` });
    await until(() => first.events().length === 2, WAIT_MS, 'two events');
    const last = first.events()[1].id;
    first.ws.close();
    await first.closed;
    for (const n of [3, 4, 5]) await post(`${server.url}/api/push`, { message: `m${n}` });
    using resumed = openWs(`${server.url}/ws?lastEventId=${encodeURIComponent(last)}`);
    await resumed.waitFor((m) => m.kind === 'replayed', 'replayed');
    expect(resumed.received.map((m) => m.kind)).toEqual(['welcome', 'event', 'event', 'event', 'replayed']);
    expect(resumed.events().map((m) => m.message)).toEqual(['m3', 'm4', 'm5']);
    expect(resumed.received.at(-1)).toEqual({ kind: 'replayed', count: 3 });

    for (let n = 6; n <= 12; n++) await post(`${server.url}/api/push`, { message: `m${n}` });
    using late = openWs(`${server.url}/ws?lastEventId=${encodeURIComponent(last)}`);
    await late.waitFor((m) => m.kind === 'replayed', 'replayed');
    expect(late.received[1]).toEqual({ kind: 'gap', gap: { reason: 'expired', lastEventId: last } });
    expect(late.events().map((m) => m.message)).toEqual(['m8', 'm9', 'm10', 'm11', 'm12']);
    expect(increasing(ids(late.events()))).toBe(true);
  });
});

describe('GET /ws: the checks of /stream', () => {
  it('refuses a foreign Origin or Host, other paths, plain GETs and bad queries, with a JSON 4xx', async () => {
    await using server = await startTestServer();
    const origin = await refusedUpgrade(`${server.url}/ws`, { origin: 'http://evil.example' });
    expect(origin).toEqual({
      status: 403,
      body: { error: expect.stringMatching(/origin http:\/\/evil.example is not allowed/) },
    });
    const host = await refusedUpgrade(`${server.url}/ws`, { headers: { host: 'evil.example' } });
    expect(host.status).toBe(403);
    expect((await refusedUpgrade(`${server.url}/stream`)).status).toBe(404);
    expect((await refusedUpgrade(`${server.url}/ws?replay=-1`)).status).toBe(400);
    expect((await refusedUpgrade(`${server.url}/ws?format=text`)).body.error).toMatch(/format does not apply to \/ws/);
    const plain = await fetch(`${server.url}/ws`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    using same = openWs(`${server.url}/ws`, { origin: server.url });
    await same.opened;
  });

  it('takes the credentials of /stream; publishing needs what POST /api/push needs', async () => {
    await using server = await startTestServer({ token: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await refusedUpgrade(`${server.url}/ws`)).status).toBe(401);
    using bearer = openWs(`${server.url}/ws`, { headers: auth });
    await bearer.opened;
    bearer.send({ kind: 'publish', ref: 1, message: { message: 'with the token' } });
    expect(await bearer.waitFor((m) => m.ref === 1, 'published')).toMatchObject({ kind: 'published' });
    const { ticket } = await json(await post(`${server.url}/api/ticket`, {}, auth));
    using viaTicket = openWs(`${server.url}/ws?ticket=${ticket}`);
    await viaTicket.opened;
    viaTicket.send({ kind: 'publish', ref: 2, message: { message: 'with a ticket' } });
    expect(await viaTicket.waitFor((m) => m.ref === 2, 'refused')).toMatchObject({ kind: 'error', status: 401 });
    expect((await refusedUpgrade(`${server.url}/ws?ticket=${ticket}`)).status).toBe(401); // spent
  });

  it('shares the connection caps with /stream', async () => {
    await using server = await startTestServer({ maxConnectionsPerClient: 2 });
    using sse = openEventSource(`${server.url}/stream`);
    await sse.opened;
    using socket = openWs(`${server.url}/ws`);
    await socket.opened;
    const third = await refusedUpgrade(`${server.url}/ws`);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatch(/too many streams from this client \(limit 2\) counting \/stream and \/ws/);
    expect((await fetch(`${server.url}/stream`)).status).toBe(429);
    expect(server.service.hub.stats().clients).toBe(2);
  });

  it('shares the server-wide cap with /stream too', async () => {
    await using server = await startTestServer({ maxConnections: 2 });
    using socket = openWs(`${server.url}/ws`);
    await socket.opened;
    using sse = openEventSource(`${server.url}/stream`);
    await sse.opened;
    const third = await refusedUpgrade(`${server.url}/ws`);
    expect(third).toEqual({
      status: 503,
      body: { error: expect.stringMatching(/connection limit reached \(2\) for \/stream and \/ws together/) },
    });
    expect((await fetch(`${server.url}/stream`)).status).toBe(503);
  });

  it('pings every --heartbeat-ms and drops a socket that stops answering', async () => {
    await using server = await startTestServer({ heartbeatMs: 1000 });
    using answering = openWs(`${server.url}/ws`);
    using silent = openWs(`${server.url}/ws`, { autoPong: false });
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    await Promise.all([answering.opened, silent.opened]);
    const closed = await silent.closed;
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(closed.code).toBe(1006); // terminated: no close frame
    await until(() => server.service.hub.stats().clients === 1, WAIT_MS, 'the silent socket gone');
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
  });

  it('closes with 1000 when the connection is closed through the API, and 1001 when the server stops', async () => {
    const server = await startTestServer();
    using a = openWs(`${server.url}/ws`);
    using b = openWs(`${server.url}/ws`);
    const welcome = await a.waitFor((m) => m.kind === 'welcome', 'welcome');
    await b.opened;
    await fetch(`${server.url}/api/clients/${welcome.connectionId}`, { method: 'DELETE' });
    expect(await a.closed).toEqual({ code: 1000, reason: 'closed by the server' });
    await server.close();
    expect(await b.closed).toEqual({ code: 1001, reason: 'server stopping' });
  });
});
