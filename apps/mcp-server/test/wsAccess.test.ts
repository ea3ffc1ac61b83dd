// /ws under scoped access: a JWT's claims bound what a socket subscribes to (at the upgrade, in
// `subscribe` messages and through the subscription API) and where it publishes; a socket's acks are
// recorded under its identity (the welcome's), and its ack key works over POST /api/ack too.
import { cleanupAfterEach } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../src/http/security/jwt.js';
import { json, post, startTestServer, TOKEN } from './helpers.js';
import { openWs, refusedUpgrade, type WsRecording } from './wsClient.js';

const defer = cleanupAfterEach();
const SECRET = 'a-jwt-secret-for-tests-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const FULL = bearer(TOKEN);

/** alice may subscribe to news.* and alerts, and publish on news.local only. */
const alice = () =>
  mintToken({
    secret: SECRET,
    subject: 'alice',
    subscribe: ['news.*', 'alerts'],
    publish: ['news.local'],
    ttlSeconds: 3600,
  });

async function server() {
  const s = await startTestServer({ token: TOKEN, jwtSecret: SECRET, anonymousSubscribe: ['public.*'] });
  defer(() => s.close());
  return s;
}

async function open(url: string, headers: Record<string, string> = {}): Promise<WsRecording> {
  const socket = openWs(url, { headers });
  defer(() => socket[Symbol.dispose]());
  await socket.opened;
  return socket;
}

const changeSubscriptions = (url: string, id: number, change: unknown, headers: Record<string, string>) =>
  post(`${url}/api/connections/${id}/subscriptions`, change, headers);

describe('GET /ws with a scoped JWT', () => {
  it('opens only on channels the JWT may subscribe to (401 without a credential, anonymous per channel)', async () => {
    const s = await server();
    const token = await alice();
    const sports = await refusedUpgrade(`${s.url}/ws?channel=sports`, { headers: bearer(token) });
    expect(sports).toEqual({
      status: 403,
      body: { error: 'subject "alice" may not subscribe to channel "sports" (its subscribe claim: news.*, alerts)' },
    });
    const everything = await refusedUpgrade(`${s.url}/ws`, { headers: bearer(token) });
    expect(everything.status).toBe(403);
    expect(everything.body.error).toMatch(/may not subscribe to every channel/);
    expect((await refusedUpgrade(`${s.url}/ws?channel=news.world`)).status).toBe(401);

    const anonymous = await open(`${s.url}/ws?channel=public.x`);
    const welcome = await anonymous.waitFor((m) => m.kind === 'welcome', 'welcome');
    expect(welcome).not.toHaveProperty('subject');
    anonymous.send({ kind: 'publish', ref: 1, message: { channel: 'public.x', message: 'x' } });
    expect(await anonymous.waitFor((m) => m.ref === 1, 'refused')).toMatchObject({ kind: 'error', status: 401 });
    anonymous.send({ kind: 'subscribe', ref: 2, channels: ['news.world'] });
    expect(await anonymous.waitFor((m) => m.ref === 2, 'refused')).toMatchObject({ kind: 'error', status: 403 });
  });

  it('subscribes live and publishes only within its claims', async () => {
    const s = await server();
    const socket = await open(`${s.url}/ws?channel=news.world`, bearer(await alice()));
    const welcome = await socket.waitFor((m) => m.kind === 'welcome', 'welcome');
    expect(welcome).toMatchObject({ subject: 'alice', channels: ['news.world'] });

    socket.send({ kind: 'subscribe', ref: 1, channels: ['alerts', 'sports'] });
    expect(await socket.waitFor((m) => m.ref === 1, 'refused')).toEqual({
      kind: 'error',
      ref: 1,
      status: 403,
      message: 'subject "alice" may not subscribe to channel "sports" (its subscribe claim: news.*, alerts)',
    });
    socket.send({ kind: 'subscribe', ref: 2, channels: ['sports'], replace: true });
    expect(await socket.waitFor((m) => m.ref === 2, 'refused')).toMatchObject({ kind: 'error', status: 403 });
    socket.send({ kind: 'subscribe', ref: 3, channels: ['alerts'] });
    expect(await socket.waitFor((m) => m.ref === 3, 'subscribed')).toMatchObject({
      kind: 'subscribed',
      channels: ['news.world', 'alerts'],
    });

    socket.send({ kind: 'publish', ref: 4, message: { channel: 'news.world', message: 'not mine to publish' } });
    const refused = await socket.waitFor((m) => m.ref === 4, 'refused');
    expect(refused).toMatchObject({ kind: 'error', status: 403 });
    expect(refused.message).toMatch(/subject "alice" may not publish on channel "news.world"/);
    socket.send({ kind: 'publish', ref: 5, message: { channel: 'news.local', message: 'mine' } });
    expect(await socket.waitFor((m) => m.ref === 5, 'published')).toMatchObject({
      kind: 'published',
      result: { channel: 'news.local', clients: 0 },
    });
    expect(
      (await json(await fetch(`${s.url}/api/history?channel=news.local`, { headers: FULL }))).messages,
    ).toHaveLength(1);
  });

  it('changes its subscriptions over HTTP within both claims, and only its own connections', async () => {
    const s = await server();
    const token = await alice();
    const mine = await open(`${s.url}/ws?channel=news.world`, bearer(token));
    const { connectionId: id } = await mine.waitFor((m) => m.kind === 'welcome', 'welcome');
    const other = await open(`${s.url}/ws?channel=sports`, FULL);
    const { connectionId: otherId } = await other.waitFor((m) => m.kind === 'welcome', 'welcome');

    const sports = await changeSubscriptions(s.url, id, { add: { channels: ['sports'] } }, bearer(token));
    expect(sports.status).toBe(403);
    const added = await changeSubscriptions(s.url, id, { add: { channels: ['news.sport'] } }, bearer(token));
    expect(await json(added)).toMatchObject({ connectionId: id, channels: ['news.world', 'news.sport'] });
    // The shared token may change any connection, but not past the connection's own claims.
    const widened = await changeSubscriptions(s.url, id, { set: { channels: null } }, FULL);
    expect(widened.status).toBe(403);
    expect((await json(widened)).error).toMatch(
      /^connection \d+: subject "alice" may not subscribe to every channel .*; set a list of channels$/,
    );
    expect((await changeSubscriptions(s.url, id, { remove: { channels: ['news.sport'] } }, FULL)).status).toBe(200);

    const notMine = await changeSubscriptions(s.url, otherId, { remove: { channels: ['sports'] } }, bearer(token));
    expect(notMine.status).toBe(403);
    expect((await json(notMine)).error).toMatch(/not opened with subject "alice"/);
    const read = await fetch(`${s.url}/api/connections/${otherId}/subscriptions`, { headers: bearer(token) });
    expect(read.status).toBe(403);
    expect((await fetch(`${s.url}/api/subscriptions`, { headers: bearer(token) })).status).toBe(403);
    const own = await json(await fetch(`${s.url}/api/connections/${id}/subscriptions`, { headers: bearer(token) }));
    expect(own).toEqual({ connectionId: id, transport: 'ws', channels: ['news.world'], types: null });
  });
});

describe('acknowledgements from /ws', () => {
  it("records a socket's ack under its identity, and its welcome's key acks over HTTP too", async () => {
    const s = await server();
    const token = await alice();
    const socket = await open(`${s.url}/ws?channel=news.world`, bearer(token));
    const welcome = await socket.waitFor((m) => m.kind === 'welcome', 'welcome');
    const me = { connection: welcome.connection, subject: 'alice' };
    const first = await json(await post(`${s.url}/api/push`, { channel: 'news.world', message: 'one' }, FULL));
    const second = await json(await post(`${s.url}/api/push`, { channel: 'news.world', message: 'two' }, FULL));
    await socket.waitFor((m) => m.kind === 'event' && m.message.id === second.id, 'both events');

    socket.send({ kind: 'ack', ref: 'a', id: first.id });
    const acked = await socket.waitFor((m) => m.ref === 'a', 'acked');
    expect(acked).toEqual({
      kind: 'acked',
      ref: 'a',
      status: {
        id: first.id,
        reached: 1,
        acknowledged: 1,
        recipients: [me],
        acks: [{ ...me, at: expect.any(String) }],
      },
    });
    const report = await json(await fetch(`${s.url}/api/messages/${first.id}`, { headers: FULL }));
    expect(report).toEqual(acked.status);

    const forged = await post(
      `${s.url}/api/ack`,
      { id: second.id, connection: welcome.connection, key: 'x'.repeat(32) },
      FULL,
    );
    expect(forged.status).toBe(403);
    const overHttp = await post(
      `${s.url}/api/ack`,
      { id: second.id, connection: welcome.connection, key: welcome.ackKey },
      FULL,
    );
    expect(await json(overHttp)).toMatchObject({
      id: second.id,
      acknowledged: 1,
      acks: [{ ...me, at: expect.any(String) }],
    });
  });
});
