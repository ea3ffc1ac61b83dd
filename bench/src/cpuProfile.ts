// Reads a V8 .cpuprofile (node --cpu-prof) and adds up self time per function, optionally only for
// samples inside a time window, so the profile of a burst says where the server's time goes.

/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  }[];
  /** Microseconds, CLOCK_MONOTONIC on Linux. */
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time of one function (name + script + line). */
export interface SelfTime {
  functionName: string;
  url: string;
  /** 1-based line and column, 0 when unknown. */
  line: number;
  column: number;
  selfUs: number;
  category: string;
}

/** Self times, busiest first; `busyUs` excludes `(idle)`. */
export interface SelfTimeReport {
  rows: SelfTime[];
  totalUs: number;
  busyUs: number;
  /** Whether samples were limited to the window (false: it did not overlap the profile). */
  windowed: boolean;
}

const PSEUDO = /^\((idle|program|garbage collector|root)\)$/;

/** Where a function comes from: a workspace package, a dependency, Node itself, V8 or native code. */
export function categoryOf(functionName: string, url: string): string {
  if (PSEUDO.test(functionName)) return functionName;
  if (url === '') return '(native / builtin)';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(url);
  if (pnpm) return (pnpm[1] as string).replace('+', '/');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm) return nm[1] as string;
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return 'other';
}

/** A short form of a script URL: the part from `packages/`, `apps/` or a dependency's name on. */
export function shortUrl(url: string): string {
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.+)$/.exec(url);
  if (dep) return dep[1] as string;
  const ws = /\/((?:packages|apps)\/.+)$/.exec(url);
  if (ws) return ws[1] as string;
  return url.replace(/^file:\/\//, '');
}

/**
 * Adds up self time per function. A sample's duration is the gap to the next sample. With `window`
 * (µs on the profile's clock), only samples inside it count, unless none does.
 */
export function selfTimes(profile: CpuProfile, window?: { fromUs: number; toUs: number }): SelfTimeReport {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times: number[] = [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    times.push(t);
  }
  const inWindow = (ts: number) => !window || (ts >= window.fromUs && ts <= window.toUs);
  const windowed = window !== undefined && times.some(inWindow);
  const rows = new Map<string, SelfTime>();
  let totalUs = 0;
  let idleUs = 0;
  for (let i = 0; i < samples.length; i++) {
    if (windowed && !inWindow(times[i] as number)) continue;
    const node = byId.get(samples[i] as number);
    if (!node) continue;
    const us = i + 1 < samples.length ? (deltas[i + 1] ?? 0) : 0;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const key = `${functionName}\u0000${url}\u0000${lineNumber}`;
    const row = rows.get(key) ?? {
      functionName: functionName || '(anonymous)',
      url,
      line: lineNumber + 1,
      column: (columnNumber ?? -1) + 1,
      selfUs: 0,
      category: categoryOf(functionName, url),
    };
    row.selfUs += us;
    rows.set(key, row);
    totalUs += us;
    if (functionName === '(idle)') idleUs += us;
  }
  return {
    rows: [...rows.values()].sort((a, b) => b.selfUs - a.selfUs),
    totalUs,
    busyUs: totalUs - idleUs,
    windowed,
  };
}

/** Self time per category, busiest first. */
export function byCategory(rows: SelfTime[]): { category: string; selfUs: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.category, (sums.get(r.category) ?? 0) + r.selfUs);
  return [...sums].map(([category, selfUs]) => ({ category, selfUs })).sort((a, b) => b.selfUs - a.selfUs);
}
