// Latency histogram at 10 µs resolution: cheap to record per event, small to send over IPC, mergeable.

/** Counts per 10 µs bucket (`key * 0.01` ms), as sent between processes. */
export type HistogramData = [bucket: number, count: number][];

/** Records latencies in milliseconds. */
export interface Histogram {
  record(ms: number): void;
  count(): number;
  data(): HistogramData;
}

/** Creates an empty histogram. */
export function createHistogram(): Histogram {
  const buckets = new Map<number, number>();
  let total = 0;
  return {
    record(ms) {
      const key = Math.max(0, Math.round(ms * 100));
      buckets.set(key, (buckets.get(key) ?? 0) + 1);
      total++;
    },
    count: () => total,
    data: () => [...buckets],
  };
}

/** Percentiles of merged histograms, in milliseconds; NaN when empty. */
export function percentiles(parts: HistogramData[], ps: number[]): { count: number; values: number[] } {
  const merged = new Map<number, number>();
  for (const part of parts) for (const [k, c] of part) merged.set(k, (merged.get(k) ?? 0) + c);
  const keys = [...merged.keys()].sort((a, b) => a - b);
  const count = keys.reduce((sum, k) => sum + (merged.get(k) as number), 0);
  const values = ps.map((p) => {
    if (count === 0) return Number.NaN;
    const rank = Math.min(count, Math.max(1, Math.ceil(p * count)));
    let seen = 0;
    for (const k of keys) {
      seen += merged.get(k) as number;
      if (seen >= rank) return k / 100;
    }
    return (keys[keys.length - 1] as number) / 100;
  });
  return { count, values };
}
