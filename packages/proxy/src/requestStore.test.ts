import { describe, expect, it } from 'vitest';
import { ProxyError } from './errors.js';
import { estimateRecordBytes, type NewRequestRecord, RECORD_OVERHEAD_BYTES } from './requestRecord.js';
import { createRequestStore, type RequestStoreChange } from './requestStore.js';

function record(overrides: Partial<NewRequestRecord> = {}): NewRequestRecord {
  return {
    processId: null,
    kind: 'http',
    method: 'GET',
    url: '/',
    target: 'http://t',
    startedAt: 1000,
    pending: false,
    status: 200,
    durationMs: 1,
    requestBytes: 0,
    responseBytes: 0,
    contentType: null,
    requestHeaders: {},
    responseHeaders: null,
    requestBody: null,
    responseBody: null,
    failed: false,
    error: null,
    injection: null,
    ...overrides,
  };
}

describe('createRequestStore bounds', () => {
  it('keeps exactly maxEntries, evicting and counting the oldest first', () => {
    const store = createRequestStore({ maxEntries: 3 });
    for (let i = 1; i <= 3; i++) store.add(record({ url: `/${i}` }));
    expect(store.stats()).toMatchObject({ entries: 3, evicted: 0, added: 3 });
    store.add(record({ url: '/4' }));
    expect(store.stats()).toMatchObject({ entries: 3, evicted: 1, added: 4 });
    expect(store.list().map((r) => r.url)).toEqual(['/4', '/3', '/2']);
    expect(store.get('1')).toBeUndefined();
    expect(store.get('2')?.url).toBe('/2');
  });

  it('evicts by estimated bytes at the edge: equal to maxBytes stays, one byte over evicts', () => {
    const one = estimateRecordBytes(record({ url: '/a' }));
    expect(one).toBe(RECORD_OVERHEAD_BYTES + 'GET'.length + '/a'.length + 'http://t'.length);
    const store = createRequestStore({ maxBytes: 2 * one });
    store.add(record({ url: '/a' }));
    store.add(record({ url: '/b' }));
    expect(store.stats()).toMatchObject({ entries: 2, bytes: 2 * one, evicted: 0 });
    store.add(record({ url: '/c' })); // same size: the oldest goes, the total is again exactly maxBytes
    expect(store.stats()).toMatchObject({ entries: 2, bytes: 2 * one, evicted: 1 });
    store.add(record({ url: '/dd' })); // one byte longer: '/c' + '/dd' is one byte over, so '/c' goes too
    expect(store.stats()).toMatchObject({ entries: 1, bytes: one + 1, evicted: 3 });
    expect(store.list().map((r) => r.url)).toEqual(['/dd']);
  });

  it('keeps the newest record even when it alone is over maxBytes', () => {
    const store = createRequestStore({ maxBytes: 300 });
    store.add(record());
    store.add(record({ requestHeaders: { 'x-big': 'x'.repeat(1000) } }));
    expect(store.stats()).toMatchObject({ entries: 1, evicted: 1 });
    expect(store.list()[0]?.requestHeaders['x-big']).toHaveLength(1000);
  });

  it('accounts bytes on update and evicts older records when a record grows', () => {
    const base = estimateRecordBytes(record());
    const store = createRequestStore({ maxBytes: 3 * base });
    const first = store.add(record({ pending: true }));
    store.add(record());
    store.add(record());
    expect(store.stats()).toMatchObject({ entries: 3, bytes: 3 * base, pending: 1 });
    expect(store.update(first.id, { pending: false, error: { kind: 'timeout', message: 'x' } })).toBe(true);
    // The grown record is the oldest, so it is the one evicted.
    expect(store.stats()).toMatchObject({ entries: 2, bytes: 2 * base, evicted: 1, pending: 0 });
    expect(store.update(first.id, { status: 500 })).toBe(false);
  });

  it('rejects non-positive limits, naming the option', () => {
    expect(() => createRequestStore({ maxEntries: 0 })).toThrow(ProxyError);
    expect(() => createRequestStore({ maxBytes: -1 })).toThrow(/maxBytes must be a positive integer \(got -1\)/);
  });
});

describe('createRequestStore list filters', () => {
  const store = createRequestStore();
  store.add(record({ url: '/api/items?page=1', status: 200, startedAt: 1000, processId: 'web' }));
  store.add(record({ url: '/api/items', method: 'POST', status: 201, startedAt: 2000, processId: 'web' }));
  store.add(record({ url: '/missing', status: 404, startedAt: 3000, processId: 'api' }));
  store.add(record({ url: '/boom', status: 500, startedAt: 4000, processId: 'api' }));
  store.add(
    record({
      url: '/down',
      status: 502,
      startedAt: 5000,
      failed: true,
      error: { kind: 'connection_refused', message: 'x' },
    }),
  );
  store.add(record({ url: '/slow', status: null, durationMs: null, pending: true, startedAt: 6000 }));
  store.add(record({ url: '/moved', status: 302, startedAt: 7000 }));
  const urls = (filter: Parameters<typeof store.list>[0]) => store.list(filter).map((r) => r.url);

  it('lists newest first', () => {
    expect(urls({})).toEqual(['/moved', '/slow', '/down', '/boom', '/missing', '/api/items', '/api/items?page=1']);
  });
  it('filters by status class, several classes OR-ed, failed and pending', () => {
    expect(urls({ status: '2xx' })).toEqual(['/api/items', '/api/items?page=1']);
    expect(urls({ status: '3xx' })).toEqual(['/moved']);
    expect(urls({ status: ['4xx', '5xx'] })).toEqual(['/down', '/boom', '/missing']);
    expect(urls({ status: 'failed' })).toEqual(['/down']);
    expect(urls({ status: 'pending' })).toEqual(['/slow']);
  });
  it('filters by method (case-insensitive), URL substring or regex, process and time', () => {
    expect(urls({ method: 'post' })).toEqual(['/api/items']);
    expect(urls({ url: 'items' })).toEqual(['/api/items', '/api/items?page=1']);
    const global = /^\/(boom|down)$/g;
    expect(urls({ url: global })).toEqual(['/down', '/boom']);
    expect(urls({ url: global })).toEqual(['/down', '/boom']); // a global regex gives the same answer twice
    expect(urls({ processId: 'api' })).toEqual(['/boom', '/missing']);
    expect(urls({ since: 5000 })).toEqual(['/moved', '/slow', '/down']);
    expect(urls({ since: new Date(6000) })).toEqual(['/moved', '/slow']);
  });
  it('combines filters with AND and applies the limit to the newest matches', () => {
    expect(urls({ processId: 'web', method: 'GET' })).toEqual(['/api/items?page=1']);
    expect(urls({ limit: 2 })).toEqual(['/moved', '/slow']);
    expect(urls({ status: '5xx', limit: 1 })).toEqual(['/down']);
  });
});

describe('createRequestStore changes', () => {
  it('tells listeners about adds, updates and clears, survives a throwing listener, unsubscribes', () => {
    const store = createRequestStore();
    const seen: RequestStoreChange['type'][] = [];
    const off = store.onChange((change) => seen.push(change.type));
    store.onChange(() => {
      throw new Error('listener bug');
    });
    const r = store.add(record({ pending: true }));
    store.update(r.id, { pending: false });
    store.clear();
    off();
    store.add(record());
    expect(seen).toEqual(['added', 'updated', 'cleared']);
    expect(store.stats()).toMatchObject({ listenerErrors: 4, entries: 1, evicted: 0 });
  });

  it('gives frozen snapshots with increasing ids', () => {
    const store = createRequestStore();
    const a = store.add(record());
    const b = store.add(record());
    expect(Number(b.id)).toBeGreaterThan(Number(a.id));
    expect(Object.isFrozen(a)).toBe(true);
    store.update(a.id, { status: 404 });
    expect(a.status).toBe(200);
    expect(store.get(a.id)?.status).toBe(404);
  });
});
