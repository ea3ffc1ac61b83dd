import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './memoryBus.js';
import { compareStreamIds, createStreamIdGenerator, parseStreamId } from './streamId.js';

describe('stream ids', () => {
  it('are strictly increasing even when the clock stands still or steps back', () => {
    const times = [5, 5, 5, 4, 7, 7];
    const next = createStreamIdGenerator(() => times.shift() ?? 7);
    const ids = Array.from({ length: 6 }, next);
    expect(ids).toEqual(['5-0', '5-1', '5-2', '5-3', '7-0', '7-1']);
    for (let i = 1; i < ids.length; i++)
      expect(compareStreamIds(ids[i - 1] as string, ids[i] as string)).toBeLessThan(0);
  });

  it('parse only their own shape and order garbage first', () => {
    expect(parseStreamId('12-3')).toEqual([12, 3]);
    expect(parseStreamId('12')).toBeUndefined();
    expect(parseStreamId('a-1')).toBeUndefined();
    expect(compareStreamIds('junk', '1-0')).toBeLessThan(0);
    expect(compareStreamIds('10-0', '9-5')).toBeGreaterThan(0);
  });
});

describe('createMemoryBus', () => {
  const publishN = async (bus: ReturnType<typeof createMemoryBus>, n: number, data = 'x') => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await bus.publish({ data: `${data}${i}` })).event);
    return out;
  };

  it('delivers to listeners synchronously, in order, with defaults filled in', async () => {
    const bus = createMemoryBus();
    const seen: string[] = [];
    const stop = bus.listen((e) => {
      seen.push(e.data);
      return 3;
    });
    const other = bus.listen(() => 2);
    const published = await bus.publish({ data: 'a', text: 'A' });
    expect(published).toMatchObject({ queued: 5, local: 'delivered' });
    expect(published.event).toMatchObject({
      channel: 'default',
      type: undefined,
      priority: 'normal',
      data: 'a',
      text: 'A',
    });
    other();
    stop();
    expect(await bus.publish({ data: 'b' })).toMatchObject({ queued: 0, local: 'delivered' });
    expect(seen).toEqual(['a']);
  });

  it('evicts the oldest by count and reports expired ids as a gap', async () => {
    const bus = createMemoryBus({ maxEvents: 3 });
    const events = await publishN(bus, 5);
    expect(bus.stats()).toMatchObject({ retainedEvents: 3, evicted: 2 });
    expect((await bus.latest(10)).map((e) => e.data)).toEqual(['x2', 'x3', 'x4']);
    expect(await bus.after(events[2]?.id as string)).toEqual({ events: events.slice(3) });
    const old = await bus.after(events[0]?.id as string);
    expect(old.gap).toBe('expired');
    expect(old.events).toEqual(events.slice(2));
  });

  it('evicts by bytes, keeping at least the newest event', async () => {
    const bus = createMemoryBus({ maxEvents: 100, maxBytes: 1000 });
    await publishN(bus, 20, 'y'.repeat(200));
    expect(bus.stats().retainedBytes).toBeLessThanOrEqual(1000);
    expect(bus.stats().retainedEvents).toBe(3);
    await bus.publish({ data: 'z'.repeat(5000) });
    expect(bus.stats().retainedEvents).toBe(1);
  });

  it('answers unknown, future and malformed ids with a gap and every retained event', async () => {
    const bus = createMemoryBus();
    const events = await publishN(bus, 3);
    for (const id of ['nonsense', '99999999999999-0', '1-0']) {
      expect(await bus.after(id)).toEqual({ events, gap: 'unknown' });
    }
    // An id inside the retained range that was never issued: the events after it, with a gap.
    const [ms, seq] = parseStreamId(events[1]?.id as string) as [number, number];
    const between = await bus.after(`${ms}-${seq}9`);
    expect(between.gap).toBe('unknown');
    await expect(createMemoryBus().after('1-0')).resolves.toEqual({ events: [], gap: 'unknown' });
  });

  it('keeps nothing with maxEvents 0 and validates its options', async () => {
    const bus = createMemoryBus({ maxEvents: 0 });
    await publishN(bus, 2);
    expect(await bus.latest(5)).toEqual([]);
    expect(() => createMemoryBus({ maxEvents: -1 })).toThrowError(/maxEvents must be a non-negative integer/);
    expect(() => createMemoryBus({ maxBytes: 1.5 })).toThrowError(/maxBytes/);
  });

  it('rejects publishing after close', async () => {
    const bus = createMemoryBus();
    await bus.close();
    await expect(bus.publish({ data: 'x' })).rejects.toThrowError(/closed/);
  });
});
