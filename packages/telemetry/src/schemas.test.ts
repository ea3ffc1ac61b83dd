import { describe, expect, test } from 'vitest';
import {
  describeIssues,
  MAX_BATCH_ITEMS,
  ReplAnswerSchema,
  TelemetryBatchSchema,
  TelemetryItemSchema,
} from './schemas.js';

const session = {
  id: 'abcdef12-3456',
  url: 'http://127.0.0.1:3000/',
  title: 'App',
  userAgent: 'test',
  startedAt: 1_700_000_000_000,
  visibility: 'visible',
  focused: true,
};
const at = 1_700_000_000_500;

const valid = {
  visibility: { kind: 'visibility', at, state: 'hidden', focused: false },
  closed: { kind: 'closed', at, persisted: false },
  error: {
    kind: 'error',
    at,
    type: 'error',
    name: 'TypeError',
    message: 'x',
    stack: 'TypeError: x\n    at a (b.js:1:2)',
    count: 3,
  },
  console: { kind: 'console', at, level: 'warn', args: ['a', { b: 1 }], count: 1, truncated: true },
  network: {
    kind: 'network',
    at,
    via: 'fetch',
    method: 'GET',
    url: '/api',
    status: 502,
    durationMs: 12,
    requestId: 'r1',
  },
  dropped: { kind: 'dropped', at, reason: 'rate', console: 9900, error: 0, network: 0 },
};

function issue(value: unknown): string {
  const result = TelemetryBatchSchema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return describeIssues(result.error);
}

describe('TelemetryBatchSchema', () => {
  test('accepts a batch with one item of every kind', () => {
    const result = TelemetryBatchSchema.safeParse({ key: 'k', session, seq: 0, items: Object.values(valid) });
    expect(result.success).toBe(true);
  });

  test.each([
    ['console', { ...valid.console, level: 'verbose' }, 'items[0].level'],
    ['console', { ...valid.console, count: 0 }, 'items[0].count'],
    ['error', { ...valid.error, type: 'warning' }, 'items[0].type'],
    ['error', { ...valid.error, message: 'x'.repeat(2001) }, 'items[0].message'],
    ['network', { ...valid.network, status: 1000 }, 'items[0].status'],
    ['network', { ...valid.network, via: 'beacon' }, 'items[0].via'],
    ['visibility', { ...valid.visibility, state: 'prerender' }, 'items[0].state'],
    ['closed', { kind: 'closed', at }, 'items[0].persisted'],
    ['dropped', { ...valid.dropped, console: -1 }, 'items[0].console'],
  ])('a bad %s item names its field', (_kind, item, path) => {
    expect(issue({ key: 'k', session, seq: 0, items: [item] })).toContain(path);
  });

  test('an unknown kind, a bad session id and too many items are refused with the path', () => {
    expect(issue({ key: 'k', session, seq: 0, items: [{ kind: 'click', at }] })).toContain('items[0].kind');
    expect(issue({ key: 'k', session: { ...session, id: 'short' }, seq: 0, items: [] })).toBe(
      'session.id: expected 8 to 64 characters of A-Z a-z 0-9 _ -',
    );
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => valid.closed);
    expect(issue({ key: 'k', session, seq: 0, items: many })).toContain('items');
  });

  test('describeIssues lists at most three issues and says how many more', () => {
    const message = issue({ key: 1, session: {}, seq: -1, items: 'no' });
    expect(message.split('; ').length).toBe(4);
    expect(message).toMatch(/and \d+ more$/);
  });

  test('every item kind has its own schema in the union', () => {
    for (const item of Object.values(valid)) expect(TelemetryItemSchema.safeParse(item).success).toBe(true);
  });
});

describe('ReplAnswerSchema', () => {
  const base = { key: 'k', sessionId: session.id, id: 'c1', durationMs: 3 };
  test('a value answer and an error answer', () => {
    expect(ReplAnswerSchema.safeParse({ ...base, ok: true, value: 2, type: 'number', url: '/' }).success).toBe(true);
    expect(
      ReplAnswerSchema.safeParse({ ...base, ok: false, error: { name: 'TypeError', message: 'x', stack: 's' } })
        .success,
    ).toBe(true);
  });
  test('an error answer without its error is refused', () => {
    expect(ReplAnswerSchema.safeParse({ ...base, ok: false }).success).toBe(false);
  });
});
