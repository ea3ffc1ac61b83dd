import { describe, expect, it } from 'vitest';
import { CHART_TYPES, createActivity } from '../src/activity.js';

const T0 = 1_800_000_000_000; // a whole second, in ms

describe('activity buckets', () => {
  it('counts events per type in the second of their timestamp', () => {
    const a = createActivity({ windowSeconds: 10, minSpanSeconds: 3 });
    a.countEvent('info', T0 + 100, T0 + 2500);
    a.countEvent('info', T0 + 900, T0 + 2500);
    a.countEvent('error', T0 + 1200, T0 + 2500);
    a.countEvent('something-else', T0 + 1300, T0 + 2500);
    const [x, info, warning, error, , custom] = a.rates(T0 + 2500);
    expect(x).toEqual([T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
    expect(info).toEqual([2, 0, 0]);
    expect(warning).toEqual([0, 0, 0]);
    expect(error).toEqual([0, 1, 0]);
    expect(custom).toEqual([0, 1, 0]);
    expect(a.lastSecond(T0 + 2500)).toBe(2);
    expect(a.rates(T0).length).toBe(1 + CHART_TYPES.length);
  });

  it('spans at least minSpanSeconds, grows from the first data, and never past the window', () => {
    const a = createActivity({ windowSeconds: 10, minSpanSeconds: 3 });
    expect(a.rates(T0)[0]).toHaveLength(3);
    a.countEvent('info', T0, T0);
    expect(a.rates(T0 + 5000)[0]).toEqual([0, 1, 2, 3, 4, 5].map((k) => T0 / 1000 + k));
    expect(a.rates(T0 + 60_000)[0]).toHaveLength(10);
  });

  it('forgets seconds that left the window (bounded), and ignores events older than it', () => {
    const a = createActivity({ windowSeconds: 10, minSpanSeconds: 10 });
    a.countEvent('warning', T0, T0);
    // Ten seconds later the slot is reused by a new second: the old count must not leak into it.
    a.countEvent('info', T0 + 10_000, T0 + 10_000);
    const [x, info, warning] = a.rates(T0 + 10_000);
    expect(x).toHaveLength(10);
    expect(warning?.every((v) => v === 0)).toBe(true);
    expect(info?.at(-1)).toBe(1);
    a.countEvent('error', T0, T0 + 10_000); // older than the window
    expect(a.rates(T0 + 10_000)[3]?.every((v) => v === 0)).toBe(true);
  });

  it('counts an event stamped in the future (clock skew) in the current second', () => {
    const a = createActivity({ windowSeconds: 10, minSpanSeconds: 2 });
    a.countEvent('success', T0 + 60_000, T0);
    expect(a.rates(T0)[4]?.at(-1)).toBe(1);
  });

  it('samples clients per second, null where unknown', () => {
    const a = createActivity({ windowSeconds: 10, minSpanSeconds: 3 });
    a.sampleClients(2, T0);
    a.sampleClients(null, T0 + 1000);
    a.sampleClients(3, T0 + 2000);
    expect(a.clients(T0 + 2000)).toEqual([[0, 1, 2].map((k) => T0 / 1000 + k), [2, null, 3]]);
  });
});
