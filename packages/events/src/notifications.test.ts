import { describe, expect, it } from 'vitest';
import { SESSION_GAP_METHOD, SessionGapSchema } from './index.js';

describe('SessionGapSchema (notifications/webstream/gap)', () => {
  const gap = {
    reason: 'expired',
    lastEventId: 'stream-1|ab12.3',
    missed: 5,
    firstMissedId: 'stream-1|ab12.4',
    lastMissedId: 'stream-1|ab12.8',
    retained: 10,
    capacity: 10,
    resources: ['processes://active'],
    message: '5 events after stream-1|ab12.3 are no longer kept',
  };

  it('parses the params the session event store sends, and the count-unknown form', () => {
    expect(SESSION_GAP_METHOD).toBe('notifications/webstream/gap');
    expect(SessionGapSchema.parse(gap)).toEqual(gap);
    const unknownCount = { ...gap, missed: null, lastMissedId: null };
    expect(SessionGapSchema.parse(unknownCount)).toEqual(unknownCount);
  });

  it('refuses a gap of nothing, another reason, or no resources list', () => {
    expect(SessionGapSchema.safeParse({ ...gap, missed: 0 }).success).toBe(false);
    expect(SessionGapSchema.safeParse({ ...gap, reason: 'overflow' }).success).toBe(false);
    const { resources: _r, ...noResources } = gap;
    expect(SessionGapSchema.safeParse(noResources).success).toBe(false);
  });
});
