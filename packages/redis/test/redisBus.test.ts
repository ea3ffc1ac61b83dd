import { randomUUID } from 'node:crypto';
import type { HubEvent } from '@ws/sse-core';
import { until } from '@ws/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBus, type RedisBus } from '../src/redisBus.js';
import { privateRedis, SHARED_REDIS_URL } from './redisServer.js';

let cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function bus(options: Partial<Parameters<typeof createRedisBus>[0]> = {}): Promise<RedisBus> {
  const stream = options.stream ?? `webstream:test:${randomUUID()}`;
  const b = createRedisBus({ url: SHARED_REDIS_URL, stream, blockMs: 500, ...options });
  cleanup.push(async () => {
    await b.close();
    if (!options.url) {
      const r = new Redis(SHARED_REDIS_URL);
      await r.del(stream);
      r.disconnect();
    }
  });
  await b.ready();
  return b;
}

describe('createRedisBus against the real Redis on 127.0.0.1:6379', () => {
  it('publishes with Redis stream ids and delivers to every instance in order', async () => {
    const stream = `webstream:test:${randomUUID()}`;
    const a = await bus({ stream });
    const b = await bus({ stream });
    const seenA: HubEvent[] = [];
    const seenB: HubEvent[] = [];
    a.listen((e) => {
      seenA.push(e);
      return undefined;
    });
    b.listen((e) => {
      seenB.push(e);
      return undefined;
    });
    const sent = [];
    for (let i = 0; i < 20; i++) {
      const published = await (i % 2 ? a : b).publish({
        data: `m${i}`,
        text: i === 4 ? `text ${i}` : undefined,
        channel: 'ops',
        type: i % 3 ? undefined : 'alert',
        priority: i === 5 ? 'high' : undefined,
      });
      expect(published).toMatchObject({ queued: 0, local: 'delivered' });
      sent.push(published.event);
    }
    expect(sent[0]?.id).toMatch(/^\d+-\d+$/);
    await until(() => seenA.length === 20 && seenB.length === 20, 5000, 'both instances');
    expect(seenA).toEqual(sent);
    expect(seenB).toEqual(sent);
    expect(seenA[5]?.priority).toBe('high');
    expect(seenA[0]?.type).toBe('alert');
    expect(seenA[1]?.type).toBeUndefined();
    expect(seenB[4]?.text).toBe('text 4');
    expect(seenB[3]?.text).toBeUndefined();
  });

  it('replays after an id with XRANGE, and reports trimmed ids as expired, foreign ones as unknown', async () => {
    const b = await bus({ maxLen: 5, exactTrim: true });
    const sent = [];
    for (let i = 0; i < 10; i++) sent.push((await b.publish({ data: `m${i}` })).event);
    expect(await b.after(sent[7]?.id as string)).toEqual({ events: sent.slice(8) });
    const old = await b.after(sent[1]?.id as string);
    expect(old.gap).toBe('expired');
    expect(old.events.map((e) => e.data)).toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    expect((await b.after('99999999999999-0')).gap).toBe('unknown');
    expect((await b.after('garbage')).gap).toBe('unknown');
    expect((await b.latest(2)).map((e) => e.data)).toEqual(['m8', 'm9']);
  });

  it('fails publishing at once while Redis is down, and loses nothing published after it is back', async () => {
    const redis = await privateRedis();
    cleanup.push(() => redis.stop());
    const b = await bus({ url: redis.url, maxBackoffMs: 200 });
    const seen: string[] = [];
    b.listen((e) => {
      seen.push(e.data);
      return undefined;
    });
    await b.publish({ data: 'before' });
    await until(() => seen.length === 1, 3000, 'the first event');
    await redis.stop();
    await until(() => !b.state().up, 3000, 'the bus to notice');
    const started = Date.now();
    await expect(b.publish({ data: 'while down' })).rejects.toMatchObject({ code: 'backend_unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
    await redis.start();
    await until(() => b.state().up, 10_000, 'the bus to reconnect');
    for (const d of ['after-1', 'after-2', 'after-3']) await b.publish({ data: d });
    await until(() => seen.length === 4, 5000, 'events after the restart');
    expect(seen).toEqual(['before', 'after-1', 'after-2', 'after-3']);
    expect(b.state().reconnects).toBeGreaterThan(0);
  });
});
