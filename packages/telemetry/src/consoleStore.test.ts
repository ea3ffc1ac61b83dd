import { describe, expect, test } from 'vitest';
import { type ConsoleEntry, createConsoleStore } from './consoleStore.js';
import { formatConsole } from './formatConsole.js';

function line(text: string, extra: Partial<ConsoleEntry> = {}): Omit<ConsoleEntry, 'id'> {
  return {
    sessionId: 's1',
    timestamp: new Date(1_700_000_000_000).toISOString(),
    level: 'log',
    text,
    count: 1,
    url: '/',
    truncated: false,
    source: 'page',
    ...extra,
  };
}

describe('console store', () => {
  test('bounded by count at the edge: the oldest go, ids keep increasing', () => {
    const store = createConsoleStore(3, 1_000_000);
    for (let i = 1; i <= 3; i++) store.add(line(`l${i}`));
    expect(store.stats()).toMatchObject({ entries: 3, evicted: 0 });
    const fourth = store.add(line('l4'));
    expect(fourth.id).toBe(4);
    expect(store.query().map((entry) => entry.text)).toEqual(['l4', 'l3', 'l2']);
    expect(store.stats()).toMatchObject({ entries: 3, evicted: 1 });
  });

  test('bounded by bytes: the newest is kept, even alone', () => {
    const store = createConsoleStore(100, 1000);
    store.add(line('a'.repeat(100)));
    store.add(line('b'.repeat(100)));
    expect(store.stats().entries).toBe(2);
    store.add(line('c'.repeat(100)));
    expect(store.stats().bytes).toBeLessThanOrEqual(1000);
    expect(store.query()[0]?.text[0]).toBe('c');
    store.add(line('d'.repeat(5000)));
    expect(store.query().map((entry) => entry.text[0])).toEqual(['d']);
  });

  test('many entries through a small store: memory stays at the bound', () => {
    const store = createConsoleStore(50, 1_000_000);
    for (let i = 0; i < 10_000; i++) store.add(line(`line ${i}`));
    expect(store.stats()).toMatchObject({ entries: 50, evicted: 9950 });
    expect(store.query({ limit: 1 })[0]?.text).toBe('line 9999');
  });

  test('filters: session, process, levels, minimum level, since, search, afterId, limit', () => {
    const store = createConsoleStore(100, 1_000_000);
    store.add(line('debug one', { level: 'debug' }));
    store.add(line('warn two', { level: 'warn', sessionId: 's2', processId: 'dev-1' }));
    store.add(line('error three', { level: 'error', timestamp: new Date(1_700_000_001_000).toISOString() }));
    expect(store.query({ sessionId: 's2' }).map((entry) => entry.text)).toEqual(['warn two']);
    expect(store.query({ processId: 'dev-1' })).toHaveLength(1);
    expect(store.query({ levels: ['debug', 'error'] })).toHaveLength(2);
    expect(store.query({ minLevel: 'warn' }).map((entry) => entry.level)).toEqual(['error', 'warn']);
    expect(store.query({ since: 1_700_000_000_500 }).map((entry) => entry.text)).toEqual(['error three']);
    expect(store.query({ search: 'TWO' })).toHaveLength(1);
    expect(store.query({ afterId: 1 }).map((entry) => entry.id)).toEqual([3, 2]);
    expect(store.query({ limit: 1 })).toHaveLength(1);
  });
});

describe('formatConsole', () => {
  test('substitutions, objects and the cap', () => {
    expect(formatConsole(['%s is %d years (%i) %f %o%c!', 'Ann', 41.7, 3.9, 1.5, { a: 1 }, 'color: red'], 100)).toBe(
      'Ann is 41 years (3) 1.5 {"a":1}!',
    );
    expect(formatConsole(['100%', 'done'], 100)).toBe('100% done');
    expect(formatConsole([{ a: [1, 2] }, 'x', 3], 100)).toBe('{"a":[1,2]} x 3');
    expect(formatConsole([], 100)).toBe('');
    expect(formatConsole(['a'.repeat(50)], 10)).toBe('aaaaaaaaa…');
  });
});
