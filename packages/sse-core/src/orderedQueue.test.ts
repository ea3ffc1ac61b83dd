import { describe, expect, it } from 'vitest';
import { checkDelivery, parseEvents } from '../test/helpers.js';
import type { HubEvent } from './event.js';
import { encodeFrame } from './frame.js';
import { OrderedQueue } from './orderedQueue.js';

let seq = 0;
const event = (priority: 'normal' | 'high' = 'normal'): HubEvent => ({
  id: `1-${seq++}`,
  channel: 'default',
  type: undefined,
  data: '',
  text: undefined,
  priority,
  timestamp: 1,
});
const push = (q: OrderedQueue, priority: 'normal' | 'high' = 'normal') => {
  const e = event(priority);
  q.push(encodeFrame(`id: ${e.id}\ndata: ${priority}\n\n`), priority === 'high');
  return e;
};
const read = (q: OrderedQueue) =>
  parseEvents(new TextDecoder().decode(q.take())).map((e) => (e.event === 'gap' ? JSON.parse(e.data) : e.id));

describe('OrderedQueue', () => {
  it('keeps id order whatever the priority', () => {
    const q = new OrderedQueue();
    const ids = [push(q), push(q, 'high'), push(q), push(q, 'high')].map((e) => e.id);
    expect(q.frames).toBe(4);
    expect(read(q)).toEqual(ids);
    expect(q.take()).toBeUndefined();
    expect(q.bytes).toBe(0);
  });

  it('turns dropped normal frames into gap markers in place, merging adjacent runs', () => {
    const q = new OrderedQueue();
    const [a, b, h, c, d] = [push(q), push(q), push(q, 'high'), push(q), push(q)];
    const before = q.bytes;
    const freed = q.dropOldestNormal() + q.dropOldestNormal() + q.dropOldestNormal();
    expect(q.bytes).toBe(before - freed);
    expect(q.runs).toBe(2);
    expect(read(q)).toEqual([
      { reason: 'overflow', missed: 2, firstId: a?.id, lastId: b?.id },
      h?.id,
      { reason: 'overflow', missed: 1, firstId: c?.id, lastId: c?.id },
      d?.id,
    ]);
  });

  it('never drops a high frame; an event that cannot get in joins the run at the end', () => {
    const q = new OrderedQueue();
    const h = push(q, 'high');
    const n = push(q);
    expect(q.dropOldestNormal()).toBeGreaterThan(0);
    expect(q.dropOldestNormal()).toBe(0);
    const late = event();
    q.dropIncoming(late.id);
    expect(read(q)).toEqual([h.id, { reason: 'overflow', missed: 2, firstId: n.id, lastId: late.id }]);
  });

  it('holds at most one marker more than it holds high frames, however much it drops', () => {
    const q = new OrderedQueue();
    const ids: string[] = [];
    let highs = 0;
    let worst = 0;
    for (let i = 0; i < 100_000; i++) {
      const high = i % 997 === 0;
      if (high) highs++;
      ids.push(push(q, high ? 'high' : 'normal').id);
      if (q.frames - highs > 50) q.dropOldestNormal();
      worst = Math.max(worst, q.runs - highs);
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(q.runs).toBe(highs);
    const text = new TextDecoder().decode(q.take());
    const report = checkDelivery(ids, parseEvents(text));
    expect(report.received).toHaveLength(highs + 50);
    expect(report.gaps).toBe(highs);
  });
});
