import { randomUUID } from 'node:crypto';
import { createHub, type Hub, type SseSink } from '@ws/sse-core';
import { until } from '@ws/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBus, type RedisBusOptions } from '../src/redisBus.js';
import { privateRedis, SHARED_REDIS_URL } from './redisServer.js';

let cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A sink that keeps what it is written, as text. */
function sink(): SseSink & { text: () => string } {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  return {
    write: (chunk) => chunks.push(decoder.decode(chunk)) > 0,
    bufferedBytes: () => 0,
    close: () => undefined,
    text: () => chunks.join(''),
  };
}

/** A hub on a Redis bus (one server instance), closed and its stream deleted after the test. */
async function instance(options: Partial<RedisBusOptions> & { stream: string }): Promise<Hub> {
  const bus = createRedisBus({ url: SHARED_REDIS_URL, blockMs: 500, ...options });
  const hub = createHub({ bus, heartbeatIntervalMs: null });
  cleanup.push(async () => {
    await hub.close();
    if (options.url === undefined || options.url === SHARED_REDIS_URL) {
      const r = new Redis(SHARED_REDIS_URL);
      await r.del(options.stream);
      r.disconnect();
    }
  });
  await bus.ready();
  return hub;
}

describe('publish on a Redis bus resolves after the local fan-out (real Redis on 127.0.0.1:6379)', () => {
  it('with the count of connections on this instance, on both instances, the other one fanning out too', async () => {
    const stream = `webstream:test:${randomUUID()}`;
    const a = await instance({ stream });
    const b = await instance({ stream });
    const onA = [sink(), sink()];
    a.subscribe(onA[0] as SseSink, { channels: ['news'] });
    a.subscribe(onA[1] as SseSink);
    const onB = sink();
    b.subscribe(onB, { channels: ['news'] });

    const fromA = await a.publish({ data: 'one', channel: 'news' });
    expect(fromA).toMatchObject({ queued: 2, local: 'delivered' });
    expect(a.stats().published).toBe(1); // fanned out here before publish resolved
    const fromB = await b.publish({ data: { two: 2 }, channel: 'sport' });
    expect(fromB).toMatchObject({ queued: 0, local: 'delivered' });
    expect(fromB.event.data).toBe('{"two":2}');
    await until(() => a.stats().published === 2 && b.stats().published === 2, 5000, 'both instances to see both');
    await until(() => onB.text().includes('data: one'), 5000, 'the event from A on B');
    expect(onB.text()).toContain(`id: ${fromA.event.id}\ndata: one\n`);
    expect(onB.text()).not.toContain('two');
    await until(() => (onA[1] as ReturnType<typeof sink>).text().includes('{"two":2}'), 5000, 'B on A');
  });

  it('many concurrent publishes from two instances each get their own exact local count', async () => {
    const stream = `webstream:test:${randomUUID()}`;
    const a = await instance({ stream });
    const b = await instance({ stream });
    a.subscribe(sink(), { channels: ['even'] });
    a.subscribe(sink());
    b.subscribe(sink(), { channels: ['odd'] });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 3 ? a : b).publish({ data: `m${i}`, channel: i % 2 ? 'odd' : 'even' }),
      ),
    );
    results.forEach((r, i) => {
      const onA = i % 3 !== 0;
      const expected = onA ? (i % 2 ? 1 : 2) : i % 2 ? 1 : 0;
      expect(r, `publish ${i}`).toMatchObject({ local: 'delivered', queued: expected });
    });
    const ids = results.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(200);
  });

  it('answers within the bound with local "timeout" while this instance\'s reader is down, and delivers it later', async () => {
    const redis = await privateRedis();
    cleanup.push(() => redis.stop());
    const stream = `webstream:test:${randomUUID()}`;
    const hub = await instance({ stream, url: redis.url, localDeliveryTimeoutMs: 30, maxBackoffMs: 2000 });
    const watcher = sink();
    hub.subscribe(watcher);
    // Kill the reading connection (the one in XREAD; this Redis is the test's own); ioredis
    // reconnects it after 100 ms or more (its first backoff step), well past the 30 ms bound.
    const admin = new Redis(redis.url);
    cleanup.push(() => admin.disconnect());
    const list = (await admin.client('LIST')) as string;
    const readerId = list
      .split('\n')
      .find((line) => line.includes('cmd=xread'))
      ?.match(/\bid=(\d+)/)?.[1];
    expect(readerId).toBeDefined();
    await admin.client('KILL', 'ID', readerId as string);
    const started = Date.now();
    const result = await hub.publish({ data: 'while the reader is away' });
    expect(result).toMatchObject({ queued: 0, local: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => watcher.text().includes('while the reader is away'), 5000, 'the late local delivery');
    expect(watcher.text()).toContain(`id: ${result.event.id}\n`);
    expect((hub.bus as ReturnType<typeof createRedisBus>).state().reconnects).toBeGreaterThan(0);
  });
});
