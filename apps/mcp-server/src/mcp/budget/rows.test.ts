import { describe, expect, it } from 'vitest';
import { budgetOf, DEFAULT_READ_BYTES, DEFAULT_READ_LIMIT } from './budget.js';
import { clipStrings, oneLine } from './clip.js';
import { collapse, fitRows, rowOf, shownLine } from './rows.js';

const rows = (texts: string[]) => texts.map((t, i) => rowOf(`1-${i}`, t, t, { content: t }));

describe('read answer budget', () => {
  it('collapses consecutive duplicates with their count and id span, not separated ones', () => {
    const out = collapse(rows(['a', 'a', 'a', 'b', 'a']));
    expect(out.map((r) => [r.line, r.count, r.firstId, r.lastId])).toEqual([
      ['a', 3, '1-0', '1-2'],
      ['b', 1, '1-3', '1-3'],
      ['a', 1, '1-4', '1-4'],
    ]);
    expect(shownLine(out[0] as never, budgetOf({}))).toBe('a (×3)');
  });

  it('strips ANSI colours and control characters, flattens line breaks and cuts long lines', () => {
    expect(oneLine('\u001b[31mred\u001b[0m\tand\r\nmore\u0007', 100)).toBe('red and more');
    expect(oneLine('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(clipStrings({ a: 'y'.repeat(20), n: 3, list: ['z'.repeat(20)] }, 5)).toEqual({
      a: 'yyyyy… (15 more characters)',
      n: 3,
      list: ['zzzzz… (15 more characters)'],
    });
  });

  it('keeps the newest rows within the limit, or the oldest as a page, and counts what it left out', () => {
    const all = collapse(rows(Array.from({ length: 120 }, (_, i) => `line ${i}`)));
    const newest = fitRows(all, budgetOf({}), DEFAULT_READ_BYTES, true);
    expect(newest.rows).toHaveLength(DEFAULT_READ_LIMIT);
    expect(newest.rows[0]?.line).toBe('line 70');
    expect(newest.rows.at(-1)?.line).toBe('line 119');
    expect(newest.omittedItems).toBe(70);
    const oldest = fitRows(all, budgetOf({ limit: 10 }), DEFAULT_READ_BYTES, false);
    expect(oldest.rows.map((r) => r.line)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    expect(oldest.omittedItems).toBe(110);
  });

  it('stops at the byte budget but always shows one row', () => {
    const big = collapse(rows(Array.from({ length: 100 }, (_, i) => `${i} ${'w'.repeat(900)}`)));
    const fitted = fitRows(big, budgetOf({ limit: 1000 }), 8000, true);
    expect(fitted.rows.length).toBeGreaterThan(0);
    expect(fitted.rows.length).toBeLessThan(10);
    expect(fitRows(big, budgetOf({}), 10, true).rows).toHaveLength(1);
  });
});
