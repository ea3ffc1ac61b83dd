import { afterEach, describe, expect, it } from 'vitest';
import { parseEvents, RecordingSink, tick } from '../test/helpers.js';
import type { HubEvent } from './event.js';
import { FlushQueue } from './flushQueue.js';
import { createHub, type Hub } from './hub.js';
import { Subscriber, type SubscriberHost } from './subscriber.js';

/** Busy for `ms` (a write that costs time, as a socket write does). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning
  }
}

class Item {
  constructor(
    readonly id: number,
    readonly log: number[],
    readonly costMs = 0,
  ) {}
  flushScheduled(): void {
    if (this.costMs > 0) spin(this.costMs);
    this.log.push(this.id);
  }
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 1000 && !done(); i++) await tick();
  expect(done()).toBe(true);
};

describe('FlushQueue', () => {
  it('writes every queued item once, in queue order, in one turn when there is no slice', async () => {
    const log: number[] = [];
    const queue = new FlushQueue<Item>(null);
    for (let i = 0; i < 500; i++) queue.push(new Item(i, log, 0.002));
    expect(queue.size).toBe(500);
    await tick();
    expect(log).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(queue.size).toBe(0);
  });

  it('stops at its slice and lets I/O in, then goes on with the items it did not reach, first', async () => {
    const log: number[] = [];
    const queue = new FlushQueue<Item>(1);
    for (let i = 0; i < 100; i++) queue.push(new Item(i, log, 0.1));
    let seenBetween = -1;
    // Queued after the queue's own run: it runs once the first slice has yielded.
    setImmediate(() => {
      seenBetween = log.length;
      queue.push(new Item(100, log));
    });
    await until(() => log.length === 101);
    // The clock is read every 32 items: the first slice wrote 32 (3.2 ms > 1 ms), not all 100.
    expect(seenBetween).toBeGreaterThanOrEqual(32);
    expect(seenBetween).toBeLessThan(100);
    expect(log).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it('keeps its array within bounds while it is being worked through in slices', async () => {
    const log: number[] = [];
    const queue = new FlushQueue<Item>(0.01);
    for (let i = 0; i < 5000; i++) queue.push(new Item(i, log, 0.001));
    await until(() => log.length === 5000);
    expect(queue.size).toBe(0);
  });
});

describe('Subscriber in the flush queue', () => {
  it('is queued at most once: a write at once (a high-priority event) meanwhile does not queue it again', () => {
    let scheduled = 0;
    const host: SubscriberHost = {
      schedule: () => {
        scheduled++;
      },
      detach: () => undefined,
      compareIds: (a, b) => Number(a) - Number(b),
      render: () => new Uint8Array(0),
      privateFrame: () => new Uint8Array(0),
      epoch: 0,
    };
    const sink = new RecordingSink();
    const sub = new Subscriber(host, sink, {
      id: 1,
      channels: null,
      types: null,
      format: 'default',
      limits: { maxQueueBytes: 1 << 20, overflow: 'drop-oldest', flushThresholdBytes: 1 << 16 },
    });
    const event = (id: number, priority: 'normal' | 'high' = 'normal'): HubEvent => ({
      id: String(id),
      channel: 'default',
      type: undefined,
      data: String(id),
      text: undefined,
      priority,
      timestamp: 0,
    });
    const frame = (id: number) => new TextEncoder().encode(`id: ${id}\ndata: ${id}\n\n`);
    sub.push(event(1), frame(1));
    sub.push(event(2, 'high'), frame(2));
    sub.push(event(3), frame(3));
    expect(scheduled).toBe(1);
    expect(sink.writes).toBe(1);
    sub.flushScheduled();
    expect(sink.chunks.join('')).toBe('id: 1\ndata: 1\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3\n\n');
    sub.push(event(4), frame(4));
    expect(scheduled).toBe(2);
  });
});

describe('hub flush slices', () => {
  let hub: Hub | undefined;
  afterEach(async () => hub?.close());

  it('batches, for the connections a slice did not reach, the events published before their turn', async () => {
    hub = createHub({ heartbeatIntervalMs: null, retryMs: null, flushSliceMs: 1 });
    /** A sink whose every write costs 0.1 ms. */
    class SlowSink extends RecordingSink {
      override write(chunk: Uint8Array): boolean {
        spin(0.1);
        return super.write(chunk);
      }
    }
    const sinks = Array.from({ length: 96 }, () => new SlowSink());
    for (const sink of sinks) hub.subscribe(sink);
    const preamble = sinks.map((s) => s.writes);
    await hub.publish({ data: 'a' });
    // Runs between the first slice and the rest: the second event meets connections not written yet.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await hub.publish({ data: 'b' });
    await until(() => sinks.every((s) => parseEvents(s.chunks.join('')).length === 2));
    const writes = sinks.map((s, i) => (s.writes as number) - (preamble[i] as number));
    // The first slice wrote `a` alone to some; the rest got `a` and `b` in one write.
    expect(writes.filter((w) => w === 2).length).toBeGreaterThan(0);
    expect(writes.filter((w) => w === 1).length).toBeGreaterThan(0);
    for (const sink of sinks) expect(parseEvents(sink.chunks.join('')).map((e) => e.data)).toEqual(['a', 'b']);
  });

  it('rejects a flushSliceMs that is not a positive number', () => {
    expect(() => createHub({ flushSliceMs: 0 })).toThrow(/flushSliceMs must be a positive number/);
    expect(() => createHub({ flushSliceMs: Number.NaN })).toThrow(/flushSliceMs/);
  });
});
