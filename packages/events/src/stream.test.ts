import { describe, expect, it } from 'vitest';
import { JsonValueSchema } from './common.js';
import { PushInputSchema, StreamMessageSchema } from './index.js';
import { DEFAULT_STREAM_CHANNEL } from './stream.js';

describe('PushInputSchema', () => {
  it('fills defaults for a bare message', () => {
    expect(PushInputSchema.parse({ message: 'deployment completed' })).toEqual({
      message: 'deployment completed',
      type: 'info',
      channel: DEFAULT_STREAM_CHANNEL,
      priority: 'normal',
    });
  });

  it('accepts data alone, any JSON', () => {
    const parsed = PushInputSchema.parse({
      data: { progress: [1000, 5000], ok: null },
      type: 'custom',
      priority: 'high',
    });
    expect(parsed.data).toEqual({ progress: [1000, 5000], ok: null });
  });

  it.each([
    [{}, 'give a message, data, or both'],
    [{ message: '' }, 'message must not be empty'],
    [{ message: 'x', type: 'fatal' }, 'type'],
    [{ message: 'x', channel: 'a b' }, 'channel must be 1-64 characters'],
    [{ message: 'x', priority: 9 }, 'priority'],
    [{ message: 'x', extra: 1 }, 'extra'],
    [{ message: 'x'.repeat(70_000) }, 'at most 65536'],
  ])('rejects %j with an error that names the problem', (input, expected) => {
    const result = PushInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(expected);
  });
});

describe('StreamMessageSchema', () => {
  const envelope = {
    id: '1700000000000-0',
    timestamp: '2026-11-21T10:00:00.000Z',
    channel: 'default',
    type: 'info',
    priority: 'normal',
    message: 'hi',
  };

  it('accepts a delivered envelope', () => {
    expect(StreamMessageSchema.parse(envelope)).toEqual(envelope);
  });

  it('refuses an envelope without an id or with a local time', () => {
    expect(StreamMessageSchema.safeParse({ ...envelope, id: '' }).success).toBe(false);
    expect(StreamMessageSchema.safeParse({ ...envelope, timestamp: '21/11/2026 10:00' }).success).toBe(false);
  });
});

describe('JsonValueSchema', () => {
  it('passes JSON through unchanged: an own __proto__ key survives, deep nesting does not overflow', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":[1,"b",null,true]}');
    const result = JsonValueSchema.parse(parsed);
    expect(result).toBe(parsed);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"x":1},"a":[1,"b",null,true]}');
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(JsonValueSchema.safeParse(deep).success).toBe(true);
  });

  it('accepts an object shared by two branches (not a cycle)', () => {
    const shared = { a: 1 };
    expect(JsonValueSchema.safeParse({ x: shared, y: [shared, shared] }).success).toBe(true);
  });

  it('refuses what JSON cannot carry: undefined, NaN, functions, class instances, cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      () => 1,
      new Date(),
      new Map(),
      [1, undefined],
      cyclic,
    ]) {
      expect(JsonValueSchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});
