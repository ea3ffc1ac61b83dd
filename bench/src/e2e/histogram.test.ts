import { describe, expect, it } from 'vitest';
import { createHistogram, percentiles } from './histogram.js';

describe('histogram', () => {
  it('gives percentiles at 10 us resolution across merged parts', () => {
    const a = createHistogram();
    const b = createHistogram();
    for (let i = 1; i <= 50; i++) a.record(i / 10); // 0.1 .. 5.0 ms
    for (let i = 51; i <= 100; i++) b.record(i / 10); // 5.1 .. 10.0 ms
    expect(a.count() + b.count()).toBe(100);
    const { count, values } = percentiles([a.data(), b.data()], [0.5, 0.99, 1]);
    expect(count).toBe(100);
    expect(values).toEqual([5, 9.9, 10]);
  });

  it('is NaN when nothing was recorded', () => {
    expect(percentiles([createHistogram().data()], [0.5]).values[0]).toBeNaN();
  });
});
