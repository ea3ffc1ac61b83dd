import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseResponse } from '../src/adapters/fetch.js';
import { handleSseRequest } from '../src/adapters/node.js';
import type { Connection } from '../src/connection.js';
import { createHub, type Hub } from '../src/hub.js';
import { subscribeOptionsFromUrl } from '../src/subscribeQuery.js';
import { listen } from './server.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const makeHub = () => {
  const hub = createHub({ heartbeatIntervalMs: null, formats: { json: (e) => ({ data: e.data }) } });
  cleanup.push(() => hub.close());
  return hub;
};

/** Query strings every adapter must refuse with 400, and what the body says. */
const BAD: [string, string][] = [
  ['?replay=-1', 'replay must be a non-negative integer (got "-1")\n'],
  ['?replay=1.5', 'replay must be a non-negative integer (got "1.5")\n'],
  ['?replay=', 'replay must be a non-negative integer (got "")\n'],
  ['?replay=1&replay=2', 'replay may be given once (got 2 values)\n'],
  ['?format=nope', 'unknown format "nope" (known: default, json)\n'],
  ['?format=json&format=default', 'format may be given once (got 2 values)\n'],
  ['?channel=', 'channel must be 1-256 characters without CR, LF or NUL (got "")\n'],
  ['?channel=a&type=a%0Ab', 'type must be 1-256 characters without CR, LF or NUL (got "a\\nb")\n'],
  [`?lastEventId=${'x'.repeat(300)}`, 'lastEventId must be an event id the stream sent: at most 256 characters'],
];

describe('subscribeOptionsFromUrl', () => {
  it('reads channel and type (repeatable), format, replay and lastEventId, and ignores the rest', () => {
    expect(
      subscribeOptionsFromUrl('/stream?channel=a&channel=b&type=t&format=json&replay=5&lastEventId=1-0&token=x'),
    ).toEqual({
      ok: true,
      options: { channels: ['a', 'b'], types: ['t'], format: 'json', replay: 5, lastEventId: '1-0' },
    });
    expect(subscribeOptionsFromUrl(new URL('http://h/stream'))).toEqual({
      ok: true,
      options: { channels: undefined, types: undefined, format: undefined, replay: undefined, lastEventId: undefined },
    });
    expect(subscribeOptionsFromUrl(new URLSearchParams('replay=0'))).toMatchObject({
      ok: true,
      options: { replay: 0 },
    });
  });

  it('answers a bad value with a message saying what to fix, never by throwing', () => {
    expect(subscribeOptionsFromUrl('/s?replay=ten')).toEqual({
      ok: false,
      message: 'replay must be a non-negative integer (got "ten")',
    });
    expect(subscribeOptionsFromUrl('/s?channel=a%00')).toMatchObject({ ok: false, message: /^channel must be/ });
    expect(subscribeOptionsFromUrl('http://[bad')).toMatchObject({ ok: false, message: /could not be parsed/ });
  });
});

describe('adapters with query: true', () => {
  async function nodeServer(hub: Hub, options: Parameters<typeof handleSseRequest>[3] = { query: true }) {
    const opened: Connection[] = [];
    const server = await listen((req, res) => {
      const connection = handleSseRequest(hub, req, res, options);
      if (connection) opened.push(connection);
    });
    cleanup.push(() => server[Symbol.asyncDispose]());
    return { url: server.url, opened };
  }

  it('node: subscribes with the query, and answers every bad parameter with 400 and the reason', async () => {
    const hub = makeHub();
    const { url, opened } = await nodeServer(hub);
    for (const [query, message] of BAD) {
      const res = await fetch(`${url}/stream${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text(), query).toContain(message);
    }
    expect(opened).toHaveLength(0);
    const res = await fetch(`${url}/stream?channel=a&channel=b&type=t&format=json`);
    expect(res.status).toBe(200);
    expect(opened[0]).toMatchObject({ channels: new Set(['a', 'b']), types: new Set(['t']), format: 'json' });
    await res.body?.cancel();
  });

  it('fetch: the same rules, and the same { connection } for the same job', async () => {
    const hub = makeHub();
    const app = new Hono();
    const opened: Connection[] = [];
    app.get('/stream', (c) => {
      const { response, connection } = createSseResponse(hub, c.req.raw, { query: true });
      if (connection) opened.push(connection);
      return response;
    });
    for (const [query, message] of BAD) {
      const res = await app.request(`/stream${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text(), query).toContain(message);
    }
    expect(opened).toHaveLength(0);
    const res = await app.request('/stream?channel=a&type=t&replay=3');
    expect(res.status).toBe(200);
    expect(opened[0]).toMatchObject({ channels: new Set(['a']), types: new Set(['t']), format: 'default' });
    await res.body?.cancel();
    expect(opened[0]?.closed).toBe(true);
  });

  it('an option given in code wins over the query (an app can pin the channels)', async () => {
    const hub = makeHub();
    const { url, opened } = await nodeServer(hub, { query: true, channels: ['pinned'] });
    const res = await fetch(`${url}/stream?channel=other&type=t`);
    expect(opened[0]).toMatchObject({ channels: new Set(['pinned']), types: new Set(['t']) });
    await res.body?.cancel();
  });

  it('without query: true only lastEventId is read from the query', async () => {
    const hub = makeHub();
    const { url, opened } = await nodeServer(hub, {});
    const res = await fetch(`${url}/stream?channel=a&replay=-1&format=nope`);
    expect(res.status).toBe(200);
    expect(opened[0]).toMatchObject({ channels: null, types: null, format: 'default' });
    await res.body?.cancel();
  });
});
