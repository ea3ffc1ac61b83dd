import { PushInputSchema } from '@ws/events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePushInput } from './pushInput.js';

const key = fc.constantFrom('message', 'data', 'type', 'channel', 'priority', 'extra', '__proto__');
const value = fc.oneof(
  fc.constantFrom('info', 'error', 'custom', 'bogus', 'high', 'low', 'normal', 'default', 'a b', '', 'x'.repeat(65)),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const body = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 6 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('parsePushInput', () => {
  it('answers every JSON body exactly as PushInputSchema.safeParse does', () => {
    fc.assert(
      fc.property(body, (b) => {
        const fast = parsePushInput(b);
        const zod = PushInputSchema.safeParse(b);
        expect(fast.success).toBe(zod.success);
        if (fast.success && zod.success) expect(fast.data).toEqual(zod.data);
        else expect(fast.error?.issues).toEqual(zod.error?.issues);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the common bodies, with the defaults applied, and refuses the edges the schema refuses', () => {
    expect(parsePushInput({ message: 'hi' })).toEqual({
      success: true,
      data: { message: 'hi', type: 'info', channel: 'default', priority: 'normal' },
    });
    expect(parsePushInput({ data: null, channel: 'ops.1', priority: 'high' }).success).toBe(true);
    expect(parsePushInput({ message: 'x'.repeat(64 * 1024 + 1) }).success).toBe(false);
    expect(parsePushInput({ message: '' }).success).toBe(false);
    expect(parsePushInput({ message: 'hi', extra: 1 }).success).toBe(false);
    expect(parsePushInput({ message: 'hi', channel: 'a b' }).success).toBe(false);
    expect(parsePushInput({}).success).toBe(false);
  });
});
