import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { EventSource } from 'eventsource';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseResponse } from '../src/adapters/fetch.js';
import { createHub, type HubOptions } from '../src/hub.js';
import { until } from './server.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function serveHono(options: HubOptions = {}) {
  const hub = createHub({ heartbeatIntervalMs: null, ...options });
  const app = new Hono();
  app.get('/stream', (c) => createSseResponse(hub, c.req.raw, { channels: c.req.queries('channel') }).response);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  cleanup.push(
    () => hub.close(),
    () => new Promise((r) => server.close(r)),
    () => (server as import('node:http').Server).closeAllConnections(),
  );
  return { hub, app, url: `http://127.0.0.1:${port}/stream` };
}

describe('Fetch adapter (Hono on @hono/node-server)', () => {
  it('streams frames as they are published, to a real EventSource', async () => {
    const { hub, url } = await serveHono();
    const es = new EventSource(`${url}?channel=a`);
    cleanup.push(() => es.close());
    const got: string[] = [];
    es.onmessage = (e) => got.push(e.data);
    await new Promise((r) => {
      es.onopen = r;
    });
    await hub.publish({ data: 'skip me', channel: 'b' });
    await hub.publish({ data: 'first', channel: 'a' });
    await until(() => got.length === 1, 2000, 'the first event');
    await hub.publish({ data: 'second\nline', channel: 'a' });
    await until(() => got.length === 2, 2000, 'the second event');
    expect(got).toEqual(['first', 'second\nline']);
    es.close();
    await until(() => hub.stats().clients === 0, 2000, 'the subscriber to be freed');
  });

  it('resumes after the Last-Event-ID header', async () => {
    const { hub, url } = await serveHono();
    const sent = [];
    for (const d of ['a', 'b', 'c']) sent.push((await hub.publish({ data: d })).event);
    const res = await fetch(url, { headers: { 'Last-Event-ID': sent[0]?.id ?? '' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    let text = '';
    try {
      while (!text.includes('event: replayed')) text += new TextDecoder().decode((await reader.read()).value);
    } finally {
      await reader.cancel();
    }
    expect(text).toBe(
      `: ok\nretry: 2000\n\nid: ${sent[1]?.id}\ndata: b\n\nid: ${sent[2]?.id}\ndata: c\n\nevent: replayed\ndata: {"count":2}\n\n`,
    );
  });

  it('answers 503 in-process at the connection limit (app.request)', async () => {
    const { app } = await serveHono({ maxConnections: 1 });
    const first = await app.request('/stream');
    const second = await app.request('/stream');
    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    expect(await second.text()).toMatch(/connection limit reached/);
    await first.body?.cancel();
  });

  it('applies backpressure through desiredSize: an unread stream stops at its budget', async () => {
    const { hub, app } = await serveHono({ maxQueueBytes: 64 * 1024, flushThresholdBytes: 16 * 1024 });
    const res = await app.request('/stream'); // never read
    for (let i = 0; i < 2000; i++) void hub.publish({ data: 'x'.repeat(500) });
    await new Promise((r) => setImmediate(r));
    const stats = hub.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.queuedBytes).toBeLessThanOrEqual(64 * 1024);
    await res.body?.cancel();
    expect(hub.stats().clients).toBe(0);
  });

  it('answers 400 with a message for options the hub rejects, instead of throwing', async () => {
    const hub = createHub({ heartbeatIntervalMs: null });
    cleanup.push(() => hub.close());
    const app = new Hono();
    app.get(
      '/stream',
      (c) =>
        createSseResponse(hub, c.req.raw, { format: c.req.query('format'), channels: c.req.queries('channel') })
          .response,
    );
    const res = await app.request('/stream?format=bogus');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('unknown format "bogus" (known: default)\n');
    const badId = await app.request('/stream', { headers: { 'Last-Event-ID': 'x'.repeat(257) } });
    expect(badId.status).toBe(400);
    expect(await badId.text()).toMatch(/lastEventId must be an event id the stream sent/);
    expect(hub.stats().clients).toBe(0);
    const good = await app.request('/stream?channel=a');
    expect(good.status).toBe(200);
    const reader = good.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    try {
      expect(new TextDecoder().decode((await reader.read()).value)).toBe(': ok\nretry: 2000\n\n');
    } finally {
      await reader.cancel();
    }
  });
});
