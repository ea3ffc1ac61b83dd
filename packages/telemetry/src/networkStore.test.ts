import { describe, expect, test } from 'vitest';
import { createNetworkStore, type NetworkFailure } from './networkStore.js';

function failure(url: string, extra: Partial<NetworkFailure> = {}): Omit<NetworkFailure, 'id'> {
  return {
    sessionId: 's1',
    timestamp: new Date(0).toISOString(),
    via: 'fetch',
    method: 'GET',
    url,
    status: 500,
    durationMs: 1,
    pageUrl: '/',
    ...extra,
  };
}

describe('network failure store', () => {
  test('bounded by count at the edge: the oldest go, newest first, ids increase', () => {
    const store = createNetworkStore(3);
    for (let i = 1; i <= 3; i++) store.add(failure(`/a${i}`));
    expect(store.stats()).toEqual({ failures: 3, evicted: 0 });
    expect(store.add(failure('/a4')).id).toBe(4);
    expect(store.query().map((item) => item.url)).toEqual(['/a4', '/a3', '/a2']);
    expect(store.stats()).toEqual({ failures: 3, evicted: 1 });
  });

  test('filters by session, process and request id', () => {
    const store = createNetworkStore(10);
    store.add(failure('/x', { requestId: 'r1', processId: 'dev-1' }));
    store.add(failure('/y', { sessionId: 's2' }));
    expect(store.query({ requestId: 'r1' }).map((item) => item.url)).toEqual(['/x']);
    expect(store.query({ sessionId: 's2' }).map((item) => item.url)).toEqual(['/y']);
    expect(store.query({ processId: 'dev-1' })).toHaveLength(1);
    expect(store.query({ limit: 1 })).toHaveLength(1);
  });
});
