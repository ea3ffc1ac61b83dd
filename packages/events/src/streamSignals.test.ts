import { describe, expect, it } from 'vitest';
import { ReplayedSchema, type StreamGap, StreamGapSchema } from './index.js';

// The `data` strings exactly as sse-core writes them (packages/sse-core/src/gap.ts).
const frames = {
  expired: '{"reason":"expired","lastEventId":"1700000000000-3"}',
  unknown: '{"reason":"unknown","lastEventId":"garbage"}',
  overflow: '{"reason":"overflow","missed":12,"firstId":"1700000000001-0","lastId":"1700000000012-0"}',
  unrenderable:
    '{"reason":"unrenderable","missed":1,"firstId":"1700000000013-0","lastId":"1700000000013-0","message":"bad"}',
};

/** What a client would show for each gap: narrowing on `reason` gives each shape its own fields. */
function describeGap(gap: StreamGap): string {
  switch (gap.reason) {
    case 'expired':
    case 'unknown':
      return `${gap.reason} after ${gap.lastEventId}`;
    case 'overflow':
      return `${gap.missed} missed, ${gap.firstId}..${gap.lastId}`;
    case 'unrenderable':
      return `${gap.firstId} unrenderable: ${gap.message}`;
  }
}

describe('StreamGapSchema', () => {
  it('parses each gap sse-core sends, discriminated on reason', () => {
    const described = Object.values(frames).map((data) => describeGap(StreamGapSchema.parse(JSON.parse(data))));
    expect(described).toEqual([
      'expired after 1700000000000-3',
      'unknown after garbage',
      '12 missed, 1700000000001-0..1700000000012-0',
      '1700000000013-0 unrenderable: bad',
    ]);
  });

  it.each([
    [{ reason: 'overflow', missed: 0, firstId: 'a', lastId: 'b' }, 'missed'],
    [{ reason: 'overflow', missed: 2, firstId: 'a' }, 'lastId'],
    [{ reason: 'unrenderable', missed: 2, firstId: 'a', lastId: 'a', message: 'x' }, 'missed'],
    [{ reason: 'expired' }, 'lastEventId'],
    [{ reason: 'lost', lastEventId: 'a' }, 'reason'],
  ])('refuses %j, naming %s', (data, field) => {
    const result = StreamGapSchema.safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});

describe('ReplayedSchema', () => {
  it('parses the replayed marker', () => {
    expect(ReplayedSchema.parse(JSON.parse('{"count":0}'))).toEqual({ count: 0 });
    expect(ReplayedSchema.safeParse({ count: -1 }).success).toBe(false);
  });
});
