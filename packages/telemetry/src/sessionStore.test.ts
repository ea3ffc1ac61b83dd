import { describe, expect, test } from 'vitest';
import { createRateLimiter } from './rateLimiter.js';
import type { PageInfo } from './schemas.js';
import { createSessionStore } from './sessionStore.js';

function info(id: string): PageInfo {
  return {
    id: `session-${id}`,
    url: `http://h/${id}`,
    title: id,
    userAgent: 'ua',
    startedAt: 0,
    visibility: 'visible',
    focused: true,
  };
}

describe('session store', () => {
  test('bounded at the edge: a closed session goes first, else the least recently seen', () => {
    let time = 1000;
    const store = createSessionStore(3, () => time);
    for (const id of ['a', 'b', 'c']) {
      store.touch(info(id), { origin: 'http://h' });
      time += 10;
    }
    store.close('session-b', 'pagehide');
    expect(store.touch(info('d'), { origin: 'http://h' }).evicted?.id).toBe('session-b');
    store.touch(info('a'), { origin: 'http://h' });
    expect(store.touch(info('e'), { origin: 'http://h' }).evicted?.id).toBe('session-c');
    expect(store.size).toBe(3);
    expect(
      store
        .list()
        .map((session) => session.id)
        .sort(),
    ).toEqual(['session-a', 'session-d', 'session-e']);
  });

  test('a batch after close reopens the session', () => {
    const store = createSessionStore(3, () => 5);
    store.touch(info('a'), { origin: 'http://h', processId: 'dev-1' });
    expect(store.close('session-a', 'pagehide')?.closeReason).toBe('pagehide');
    expect(store.close('session-a', 'pagehide')).toBeUndefined();
    expect(store.touch(info('a'), { origin: 'http://h' })).toMatchObject({ created: false, reopened: true });
    expect(store.list()[0]).toMatchObject({ state: 'open', processId: 'dev-1' });
  });

  test('sweep closes open sessions unseen for the timeout, unless their command stream is connected', () => {
    let time = 0;
    const store = createSessionStore(10, () => time);
    store.touch(info('quiet'), { origin: 'http://h' });
    store.touch(info('streaming'), { origin: 'http://h' });
    const streaming = store.get('session-streaming');
    if (streaming) streaming.commandStream = true;
    time = 1000;
    store.touch(info('fresh'), { origin: 'http://h' });
    time = 1500;
    expect(store.sweep(1000).map((record) => record.id)).toEqual(['session-quiet']);
    expect(store.get('session-quiet')?.closeReason).toBe('timeout');
    expect(store.sweep(1000)).toEqual([]);
  });
});

describe('per-session rate limiter', () => {
  test('burst, refill, partial grants and retry time', () => {
    let time = 0;
    const limiter = createRateLimiter({ perSecond: 100, burst: 200 }, 10, () => time);
    expect(limiter.take('s', 150)).toBe(150);
    expect(limiter.take('s', 100)).toBe(50);
    expect(limiter.take('s', 1)).toBe(0);
    expect(limiter.retryAfterMs('s')).toBe(10);
    time = 500;
    expect(limiter.take('s', 100)).toBe(50);
    time = 100_000;
    expect(limiter.take('s', 1000)).toBe(200);
    expect(limiter.take('other', 1)).toBe(1);
  });

  test('at most maxKeys buckets: the least recently used goes (and starts full again)', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 2 }, 2, () => 0);
    limiter.take('a', 2);
    limiter.take('b', 2);
    limiter.take('c', 2);
    expect(limiter.take('a', 2)).toBe(2);
    expect(limiter.take('c', 1)).toBe(0);
  });
});
