import { describe, expect, it } from 'vitest';
import { gapNotice, noticeText } from '../src/gapNotice.js';

const first = '1796178876426-0';
const last = '1796178876708-9';

describe('gap notice', () => {
  it('names the first and last missing ids of an overflow, short in the text, whole in the parts', () => {
    const parts = gapNotice({ reason: 'overflow', missed: 910, firstId: first, lastId: last });
    expect(parts).toEqual(['gap: 910 events missed (this tab fell behind): ', { id: first }, ' to ', { id: last }]);
    expect(noticeText(parts)).toBe('gap: 910 events missed (this tab fell behind): #…876426-0 to #…876708-9');
  });

  it('names one id when one event is missing', () => {
    const parts = gapNotice({ reason: 'overflow', missed: 1, firstId: first, lastId: first });
    expect(noticeText(parts)).toBe('gap: 1 event missed (this tab fell behind): #…876426-0');
  });

  it('says which event could not be rendered, and why', () => {
    const parts = gapNotice({ reason: 'unrenderable', missed: 1, firstId: first, lastId: first, message: 'boom' });
    expect(noticeText(parts)).toBe('gap: event #…876426-0 could not be rendered by the server: boom');
  });

  it('tells an expired history from an unknown id', () => {
    expect(noticeText(gapNotice({ reason: 'expired', lastEventId: last }))).toBe(
      'gap: events after #…876708-9 are no longer kept (the server trimmed its history)',
    );
    expect(noticeText(gapNotice({ reason: 'unknown', lastEventId: '42' }))).toBe(
      'gap: history before this point is unavailable (the server does not know #42: it restarted or its history was reset)',
    );
  });

  it('still announces a gap whose details did not match the schema', () => {
    expect(noticeText(gapNotice(undefined))).toBe(
      'gap: the server reported missing events (its details were unreadable)',
    );
  });
});
