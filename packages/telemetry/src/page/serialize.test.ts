import { describe, expect, test } from 'vitest';
import { describeType, serialize } from './serialize.js';

const limits = { maxDepth: 4, maxStringLength: 1000, maxKeys: 50, maxBytes: 4096 };

describe('serialize', () => {
  test('primitives and special values', () => {
    const { value, truncated } = serialize(
      [1, 'a', true, null, undefined, Number.NaN, -Infinity, 10n, Symbol('s')],
      limits,
    );
    expect(value).toEqual([1, 'a', true, null, '[undefined]', 'NaN', '-Infinity', '10n', 'Symbol(s)']);
    expect(truncated).toBe(false);
  });

  test('functions, dates, regexps, maps, sets, typed arrays, promises', () => {
    function named() {}
    const { value } = serialize(
      {
        f: named,
        d: new Date(0),
        r: /x+/gi,
        m: new Map([['k', 1]]),
        s: new Set([1, 2]),
        t: new Uint8Array([1, 2]),
        p: Promise.resolve(1),
      },
      limits,
    );
    expect(value).toEqual({
      f: '[Function: named]',
      d: '1970-01-01T00:00:00.000Z',
      r: '/x+/gi',
      m: { '[Map]': [['k', 1]] },
      s: { '[Set]': [1, 2] },
      t: [1, 2],
      p: '[Promise]',
    });
  });

  test('cycles are marked, repeated (non-cyclic) references are serialized again', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(serialize(cyclic, limits).value).toEqual({ a: { n: 1 }, b: { n: 1 }, self: '[Circular]' });
  });

  test('errors keep name, message, stack and cause', () => {
    const error = new TypeError('outer', { cause: new Error('inner') });
    const value = serialize(error, limits).value as Record<string, unknown>;
    expect(value).toMatchObject({ name: 'TypeError', message: 'outer', cause: { name: 'Error', message: 'inner' } });
    expect(value.stack).toContain('TypeError: outer');
  });

  test('depth, key, string and size caps cut and say so', () => {
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    expect(serialize(deep, limits)).toEqual({ value: { a: { b: { c: { d: '[Object]' } } } }, truncated: true });
    const wide = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const cut = serialize(wide, limits).value as Record<string, unknown>;
    expect(Object.keys(cut)).toHaveLength(51);
    expect(cut['…']).toBe('10 more keys');
    expect(
      serialize(
        Array.from({ length: 60 }, (_, i) => i),
        limits,
      ).value,
    ).toHaveLength(51);
    const long = serialize('x'.repeat(5000), limits).value as string;
    expect(long).toMatch(/^x{1000}… \[4000 more characters\]$/);
    const big = serialize(
      Array.from({ length: 50 }, () => 'y'.repeat(900)),
      limits,
    );
    expect(JSON.stringify(big.value).length).toBeLessThan(limits.maxBytes + 1200);
    expect(big.truncated).toBe(true);
  });

  test('a getter that throws is reported, never thrown', () => {
    const hostile = {
      ok: 1,
      get bad() {
        throw new Error('nope');
      },
    };
    expect(serialize(hostile, limits).value).toEqual({ ok: 1, bad: '[Thrown: nope]' });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(serialize(proxy, limits).value).toBe('[unserializable: trap]');
  });

  test('describeType', () => {
    expect([null, [], 1, 'a', {}, new Map(), new TypeError('x'), undefined].map(describeType)).toEqual([
      'null',
      'array',
      'number',
      'string',
      'Object',
      'Map',
      'TypeError',
      'undefined',
    ]);
  });
});
