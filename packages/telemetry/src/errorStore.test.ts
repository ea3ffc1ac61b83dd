import { describe, expect, test } from 'vitest';
import { createErrorStore, type ErrorOccurrence, MAX_GROUP_SESSIONS, normalizeMessage } from './errorStore.js';

function occurrence(extra: Partial<ErrorOccurrence> = {}): ErrorOccurrence {
  const frame = {
    file: 'src/App.tsx',
    line: 42,
    column: 15,
    mapped: true,
    raw: { url: 'http://h/app.js', line: 1, column: 900 },
  };
  return {
    kind: 'error',
    name: 'TypeError',
    message: "Cannot read properties of undefined (reading 'foo')",
    frames: [frame],
    mapping: 'mapped',
    stack: 'TypeError: …',
    sessionId: 's1',
    url: 'http://h/',
    at: 1_700_000_000_000,
    count: 1,
    ...extra,
  };
}

describe('error grouping', () => {
  test('a render loop throwing 1,000 times is one group with count 1000', () => {
    const store = createErrorStore(10);
    for (let i = 0; i < 1000; i++) store.record(occurrence({ at: 1_700_000_000_000 + i }));
    const groups = store.list();
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      id: 'err-1',
      count: 1000,
      file: 'src/App.tsx',
      line: 42,
      column: 15,
      firstSeen: new Date(1_700_000_000_000).toISOString(),
      lastSeen: new Date(1_700_000_000_999).toISOString(),
    });
  });

  test('page-coalesced counts add up; first is true only once', () => {
    const store = createErrorStore(10);
    expect(store.record(occurrence({ count: 600 })).first).toBe(true);
    expect(store.record(occurrence({ count: 400 })).first).toBe(false);
    expect(store.list()[0]?.count).toBe(1000);
  });

  test('numbers and ids in the message do not split a group; another top frame or name does', () => {
    const store = createErrorStore(10);
    store.record(occurrence({ message: 'Request 123 failed for 0a1b2c3d4e5f' }));
    store.record(occurrence({ message: 'Request 456 failed for 9f8e7d6c5b4a' }));
    expect(store.list()).toHaveLength(1);
    const elsewhere = occurrence().frames.map((frame) => ({ ...frame, line: 43 }));
    store.record(occurrence({ frames: elsewhere }));
    store.record(occurrence({ name: 'RangeError' }));
    store.record(occurrence({ kind: 'rejection' }));
    expect(store.list()).toHaveLength(4);
    expect(normalizeMessage('id 550e8400-e29b-41d4-a716-446655440000  at  0xdeadbeef, 3.5s')).toBe(
      'id <uuid> at <hex>, <n>s',
    );
  });

  test('bounded at the edge: the least recently seen group goes', () => {
    const store = createErrorStore(2);
    const a = store.record(occurrence({ message: 'a' })).group;
    store.record(occurrence({ message: 'b' }));
    store.record(occurrence({ message: 'a' }));
    const { evicted } = store.record(occurrence({ message: 'c' }));
    expect(evicted?.message).toBe('b');
    expect(store.list().map((group) => group.message)).toEqual(['c', 'a']);
    expect(store.get(a.id)?.count).toBe(2);
    expect(store.stats()).toEqual({ groups: 2, evicted: 1 });
  });

  test('sessions per group: most recent last, at most MAX_GROUP_SESSIONS', () => {
    const store = createErrorStore(2);
    for (let i = 0; i < MAX_GROUP_SESSIONS + 5; i++) store.record(occurrence({ sessionId: `s${i}` }));
    store.record(occurrence({ sessionId: 's10' }));
    const sessions = store.list()[0]?.sessions ?? [];
    expect(sessions).toHaveLength(MAX_GROUP_SESSIONS);
    expect(sessions.at(-1)).toBe('s10');
    expect(new Set(sessions).size).toBe(MAX_GROUP_SESSIONS);
  });

  test('an error without frames groups by message alone', () => {
    const store = createErrorStore(5);
    store.record(occurrence({ frames: [], mapping: 'no-stack' }));
    store.record(occurrence({ frames: [], mapping: 'no-stack' }));
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]?.file).toBeUndefined();
  });
});
