// One idempotency key on POST /api/push (Idempotency-Key) and the push_stream tool: a retry returns the first result.
import { randomUUID } from 'node:crypto';
import { cleanupAfterEach, openEventSource, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore, fingerprintOf } from '../src/stream/idempotency.js';
import { json, post, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();

describe('idempotent pushes', () => {
  it('a retried POST /api/push returns the first result and publishes once; push_stream shares the key', async () => {
    const server = await startTestServer();
    defer(() => server.close());
    const sse = openEventSource(`${server.url}/stream?channel=idem`);
    defer(() => sse.es.close());
    await sse.opened;
    const body = { message: 'deploy 42', channel: 'idem' };
    const first = await post(`${server.url}/api/push`, body, { 'idempotency-key': 'deploy-42' });
    const again = await post(`${server.url}/api/push`, body, { 'idempotency-key': 'deploy-42' });
    expect(first.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [await json(first), await json(again)];
    expect(b).toEqual(a);

    const { client } = await connectMcp(server.url, {}, defer);
    const tool = await client.callTool({
      name: 'push_stream',
      arguments: { ...body, idempotencyKey: 'deploy-42' },
    });
    expect(tool.structuredContent).toMatchObject({ id: a.id, timestamp: a.timestamp });
    const fresh = await client.callTool({ name: 'push_stream', arguments: { ...body, idempotencyKey: 'deploy-43' } });
    await until(() => sse.messages.length === 2, WAIT_MS, 'two distinct events');
    expect(sse.messages.map((m) => m.id)).toEqual([a.id, (fresh.structuredContent as { id: string }).id]);
  });

  it('422 for a key reused with another message, 400 for a malformed key', async () => {
    const server = await startTestServer();
    defer(() => server.close());
    await post(`${server.url}/api/push`, { message: 'one' }, { 'idempotency-key': 'k1' });
    const conflict = await post(`${server.url}/api/push`, { message: 'two' }, { 'idempotency-key': 'k1' });
    expect(conflict.status).toBe(422);
    expect((await json(conflict)).error).toMatch(/already used for a different message/);
    const bad = await post(`${server.url}/api/push`, { message: 'x' }, { 'idempotency-key': 'has space' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/Idempotency-Key must be/);
  });
});

describe('idempotent pushes across instances (real Redis)', () => {
  it('one key, two instances, concurrent and retried: one event, the same result everywhere', async () => {
    const redisStream = `webstream:test:idem:${randomUUID()}`;
    const a = await startTestServer({ redis: TEST_REDIS_URL, redisStream });
    const b = await startTestServer({ redis: TEST_REDIS_URL, redisStream });
    defer(
      () => a.close(),
      () => b.close(),
      async () => {
        const r = new Redis(TEST_REDIS_URL);
        const keys = await r.keys(`${redisStream}*`);
        if (keys.length > 0) await r.del(...keys);
        r.disconnect();
      },
    );
    const sse = openEventSource(`${a.url}/stream?channel=idem`);
    defer(() => sse.es.close());
    await sse.opened;
    const body = { message: 'once', channel: 'idem' };
    const key = { 'idempotency-key': 'order-7' };
    const answers = await Promise.all([a.url, b.url, a.url, b.url].map((url) => post(`${url}/api/push`, body, key)));
    const results = await Promise.all(answers.map((r) => json(r)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    await post(`${a.url}/api/push`, { message: 'marker', channel: 'idem' });
    await until(() => sse.messages.length === 2, WAIT_MS, 'the event and the marker');
    expect(sse.messages[0]?.id).toBe(results[0].id);
  });
});

describe('the idempotency store', () => {
  it('fingerprints ignore key order (the HTTP fast path and zod order keys differently) but not values', () => {
    const a = {
      message: 'm',
      type: 'info',
      channel: 'default',
      priority: 'normal',
      data: { x: 1, y: [2, { b: 1, a: 2 }] },
    };
    const b = {
      priority: 'normal',
      data: { y: [2, { a: 2, b: 1 }], x: 1 },
      channel: 'default',
      type: 'info',
      message: 'm',
    };
    expect(fingerprintOf(b)).toBe(fingerprintOf(a));
    expect(fingerprintOf({ ...b, message: 'n' })).not.toBe(fingerprintOf(a));
    expect(fingerprintOf({ data: [1, 2] })).not.toBe(fingerprintOf({ data: [2, 1] }));
  });

  it('runs concurrent calls with one key once, forgets the oldest past maxKeys and keys past their TTL', async () => {
    let t = 0;
    const store = createMemoryIdempotencyStore<number>({ maxKeys: 2, ttlMs: 1000, now: () => t });
    let runs = 0;
    const run = async () => ++runs;
    const [x, y] = await Promise.all([store.once('a', 'f', run), store.once('a', 'f', run)]);
    expect([x, y]).toEqual([
      { kind: 'first', result: 1 },
      { kind: 'replayed', result: 1 },
    ]);
    await store.once('b', 'f', run);
    await store.once('c', 'f', run);
    expect(store.size()).toBe(2);
    expect(await store.once('a', 'f', run)).toEqual({ kind: 'first', result: 4 });
    t = 5000;
    expect(await store.once('c', 'f', run)).toEqual({ kind: 'first', result: 5 });
    const failing = store.once('d', 'f', async () => {
      throw new Error('backend away');
    });
    await expect(failing).rejects.toThrow('backend away');
    expect(await store.once('d', 'f', run)).toEqual({ kind: 'first', result: 6 });
  });
});
