// Per-second buckets for the activity charts: events per type and connected clients, over a fixed
// window. Pure data (no DOM), O(1) per event; the charts read it once per tick, never per event.

/** Seconds of history kept and charted at most. */
export const WINDOW_SECONDS = 300;
/** Seconds charted at least: the x axis starts at the first data (or this long ago) and grows to the window. */
export const MIN_SPAN_SECONDS = 60;

/** The event types charted, in legend order; any other type counts as `custom`. */
export const CHART_TYPES = ['info', 'warning', 'error', 'success', 'custom'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** uPlot's aligned data: x (Unix seconds) then one array per series. */
export type SeriesData = [number[], ...(number | null)[][]];

export interface Activity {
  /**
   * Counts one event in the second of its `timestampMs` (server time). Events older than the window
   * are not charted; events stamped in the future (clock skew) count in the current second.
   */
  countEvent(type: string, timestampMs: number, nowMs?: number): void;
  /** Records the connected-clients figure for the current second (`null` = unknown). */
  sampleClients(clients: number | null, nowMs?: number): void;
  /**
   * Events per second per type, one point per second, oldest first: from the first second with data
   * (at least {@link MIN_SPAN_SECONDS}, at most the window ago) to the second of `nowMs`.
   */
  rates(nowMs?: number): SeriesData;
  /** Connected clients over the same seconds as `rates` (`null` where unknown). */
  clients(nowMs?: number): SeriesData;
  /** Events counted in the last complete second, all types. */
  lastSecond(nowMs?: number): number;
}

/**
 * Creates the bounded per-second store: `windowSeconds` slots per series (default {@link WINDOW_SECONDS}),
 * charting at least `minSpanSeconds` (default {@link MIN_SPAN_SECONDS}).
 */
export function createActivity(options: { windowSeconds?: number; minSpanSeconds?: number } = {}): Activity {
  const size = options.windowSeconds ?? WINDOW_SECONDS;
  const minSpan = Math.min(options.minSpanSeconds ?? MIN_SPAN_SECONDS, size);
  let first = Number.POSITIVE_INFINITY; // the earliest second that holds data
  // Ring buffers indexed by (second % size); `stamp` says which second a slot currently holds.
  const stamp = new Float64Array(size).fill(-1);
  const counts = CHART_TYPES.map(() => new Uint32Array(size));
  const clientStamp = new Float64Array(size).fill(-1);
  const clientValues = new Float64Array(size);
  const typeIndex = new Map<string, number>(CHART_TYPES.map((t, i) => [t, i]));

  const slot = (second: number) => ((second % size) + size) % size;
  const claim = (second: number) => {
    const i = slot(second);
    if (stamp[i] !== second) {
      stamp[i] = second;
      for (const c of counts) c[i] = 0;
    }
    return i;
  };
  const xs = (now: number) => {
    const start = Math.max(now - size + 1, Math.min(first, now - minSpan + 1));
    const x: number[] = new Array(now - start + 1);
    for (let k = 0; k < x.length; k++) x[k] = start + k;
    return x;
  };

  return {
    countEvent(type, timestampMs, nowMs = Date.now()) {
      const now = Math.floor(nowMs / 1000);
      const second = Math.min(Math.floor(timestampMs / 1000), now);
      if (!Number.isFinite(second) || second <= now - size) return;
      const i = claim(second);
      first = Math.min(first, second);
      const t = typeIndex.get(type) ?? (typeIndex.get('custom') as number);
      const c = counts[t] as Uint32Array;
      c[i] = (c[i] ?? 0) + 1;
    },
    sampleClients(clients, nowMs = Date.now()) {
      const i = slot(Math.floor(nowMs / 1000));
      if (clients === null) {
        clientStamp[i] = -1;
        return;
      }
      clientStamp[i] = Math.floor(nowMs / 1000);
      clientValues[i] = clients;
      first = Math.min(first, Math.floor(nowMs / 1000));
    },
    rates(nowMs = Date.now()) {
      const x = xs(Math.floor(nowMs / 1000));
      const series = counts.map((c) =>
        x.map((second) => (stamp[slot(second)] === second ? (c[slot(second)] ?? 0) : 0)),
      );
      return [x, ...series];
    },
    clients(nowMs = Date.now()) {
      const x = xs(Math.floor(nowMs / 1000));
      const y = x.map((second) =>
        clientStamp[slot(second)] === second ? (clientValues[slot(second)] as number) : null,
      );
      return [x, y];
    },
    lastSecond(nowMs = Date.now()) {
      const second = Math.floor(nowMs / 1000) - 1;
      const i = slot(second);
      if (stamp[i] !== second) return 0;
      return counts.reduce((sum, c) => sum + (c[i] ?? 0), 0);
    },
  };
}
