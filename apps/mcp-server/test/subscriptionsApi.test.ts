// The subscription API over real sockets: a spec-compliant EventSource on /stream, changed live.
import { StreamConnectedSchema } from '@ws/events';
import { openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';

/** The connection id from the stream's first event. */
async function connectionIdOf(client: ReturnType<typeof openEventSource>): Promise<number> {
  await until(() => client.named.some((e) => e.type === 'connected'), WAIT_MS, 'the connected event');
  const first = client.named[0];
  expect(first?.type).toBe('connected');
  return StreamConnectedSchema.parse(JSON.parse(first?.data ?? '')).connectionId;
}

const push = async (url: string, channel: string, message: string, headers: Record<string, string> = {}) =>
  json(await post(`${url}/api/push`, { channel, message }, headers));

describe('SSE subscription management', () => {
  it('sends the connection id first, then adds and removes channels and types on the live stream', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream?channel=a&format=json`, { named: ['connected', 'gap'] });
    const id = await connectionIdOf(client);
    const subs = `${server.url}/api/connections/${id}/subscriptions`;
    expect(await json(await fetch(subs))).toEqual({ connectionId: id, transport: 'sse', channels: ['a'], types: null });

    await push(server.url, 'b', 'before b was added');
    const added = await post(subs, { add: { channels: ['b'] } });
    expect(added.status).toBe(200);
    expect(await json(added)).toMatchObject({ channels: ['a', 'b'] });
    await push(server.url, 'b', 'b1');
    await push(server.url, 'a', 'a1');
    await until(() => client.messages.length === 2, WAIT_MS, 'b1 and a1');

    const who = await json(await fetch(`${server.url}/api/subscriptions?channel=b`));
    expect(await json(await fetch(`${server.url}/api/subscriptions`))).toEqual({ channels: { a: [id], b: [id] } });
    expect(who).toEqual({
      channel: 'b',
      connections: [{ connectionId: id, transport: 'sse', channels: ['a', 'b'], types: null }],
    });

    expect((await post(subs, { remove: { channels: ['a'] }, set: { types: ['warning'] } })).status).toBe(200);
    await push(server.url, 'a', 'a2 (removed)');
    await post(`${server.url}/api/push`, { channel: 'b', message: 'b info (type filtered)' });
    await post(`${server.url}/api/push`, { channel: 'b', message: 'b2', type: 'warning' });
    await until(() => client.messages.length === 3, WAIT_MS, 'b2');
    const texts = client.messages.map((m) => JSON.parse(m.data).message);
    expect(texts).toEqual(['b1', 'a1', 'b2']);
    const ids = client.messages.map((m) => m.id);
    expect([...ids].sort()).toEqual(ids);
    expect(await json(await fetch(`${server.url}/api/subscriptions?channel=a`))).toEqual({
      channel: 'a',
      connections: [],
    });
    const listed = await json(await fetch(`${server.url}/api/clients`));
    expect(listed.clients[0]).toMatchObject({ id, transport: 'sse', channels: ['b'], types: ['warning'] });
  });

  it('answers bad changes with a 4xx that says what to fix', async () => {
    await using server = await startTestServer();
    using client = openEventSource(`${server.url}/stream`, { named: ['connected'] });
    const id = await connectionIdOf(client);
    const subs = `${server.url}/api/connections/${id}/subscriptions`;
    expect(await json(await fetch(`${server.url}/api/subscriptions`))).toEqual({ channels: { '*': [id] } });
    const every = await post(subs, { remove: { channels: ['a'] } });
    expect(every.status).toBe(400);
    expect((await json(every)).error).toMatch(/receives every channel.*set a list of channels first/);
    const bad = await json(await post(subs, { add: { channels: ['no spaces'] } }));
    expect(bad.issues[0].path).toBe('add.channels.0');
    const channels = (from: number, n: number) => Array.from({ length: n }, (_, i) => `c${from + i}`);
    for (let i = 0; i < 256; i += 64) {
      const step = await post(subs, {
        ...(i === 0 ? { set: { channels: [] } } : {}),
        add: { channels: channels(i, 64) },
      });
      expect(step.status).toBe(200);
    }
    const over = await post(subs, { add: { channels: ['one-more'] } });
    expect(over.status).toBe(400);
    expect((await json(over)).error).toMatch(/at most 256 channels; this change would leave 257/);
    expect((await json(await fetch(subs))).channels).toHaveLength(256);
    const longQuery = channels(0, 257)
      .map((ch) => `channel=${ch}`)
      .join('&');
    expect((await fetch(`${server.url}/stream?${longQuery}`)).status).toBe(400);
    expect((await post(subs, {})).status).toBe(400);
    expect((await post(subs, 'not json')).status).toBe(400);
    const missing = await post(`${server.url}/api/connections/999/subscriptions`, { add: { channels: ['a'] } });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toMatch(/no open connection "999"/);
    expect((await fetch(`${server.url}/api/connections/x/subscriptions`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/subscriptions?channel=a%20b`)).status).toBe(400);
  });

  it('takes the same credentials as the rest of the API when a token is set', async () => {
    await using server = await startTestServer({ token: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    using client = openEventSource(`${server.url}/stream?channel=a`, { headers: auth, named: ['connected'] });
    const id = await connectionIdOf(client);
    const subs = `${server.url}/api/connections/${id}/subscriptions`;
    expect((await post(subs, { add: { channels: ['b'] } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/subscriptions?channel=a`)).status).toBe(401);
    expect((await post(subs, { add: { channels: ['b'] } }, auth)).status).toBe(200);
    await push(server.url, 'b', 'b1', auth);
    await until(() => client.messages.length === 1, WAIT_MS, 'b1');
  });
});
