import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frameQueue.js';

const frame = (n: number) => new Uint8Array([n & 255]);

describe('FrameQueue', () => {
  it('is a FIFO', () => {
    const q = new FrameQueue();
    for (let i = 0; i < 5; i++) q.push(frame(i));
    expect(q.shift()?.[0]).toBe(0);
    expect(q.peek()?.[0]).toBe(1);
    expect(q.take().map((f) => f[0])).toEqual([1, 2, 3, 4]);
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('does not accumulate slots when it drops from its head forever (a stalled client)', () => {
    const q = new FrameQueue();
    for (let i = 0; i < 50; i++) q.push(frame(i));
    for (let i = 0; i < 1_000_000; i++) {
      q.push(frame(i));
      q.shift();
    }
    expect(q.length).toBe(50);
    expect(q.slots).toBeLessThanOrEqual(2 * 50 + 1024);
  });

  it('holds any item type; last() and clear()', () => {
    const q = new FrameQueue<string>();
    expect(q.last()).toBeUndefined();
    q.push('a');
    q.push('b');
    q.shift();
    expect(q.last()).toBe('b');
    q.shift();
    expect(q.last()).toBeUndefined();
    q.push('c');
    q.clear();
    expect(q.length).toBe(0);
    expect(q.peek()).toBeUndefined();
  });
});
