// Reads a V8 .cpuprofile (node --cpu-prof) and adds up self time per function, optionally only for
// samples inside a time window, so the profile of a burst says where the server's time goes.

/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    children?: number[];
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

/** Categories that say nothing about which package asked for the work. */
const GENERIC = new Set(['node internals', '(native / builtin)', 'other', '(root)', '(program)']);
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
/** Each sample's node id and duration (the gap to the next sample), limited to `window` when it overlaps. */
function timedSamples(
  profile: CpuProfile,
  window?: { fromUs: number; toUs: number },
): { samples: { id: number; us: number }[]; windowed: boolean } {
  const ids = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const all: { id: number; us: number; at: number }[] = [];
  let t = profile.startTime;
  for (let i = 0; i < ids.length; i++) {
    t += deltas[i] ?? 0;
    all.push({ id: ids[i] as number, us: i + 1 < ids.length ? (deltas[i + 1] ?? 0) : 0, at: t });
  }
  const inWindow = (at: number) => !window || (at >= window.fromUs && at <= window.toUs);
  const windowed = window !== undefined && all.some((x) => inWindow(x.at));
  return { samples: windowed ? all.filter((x) => inWindow(x.at)) : all, windowed };
}

/**
 * Adds up self time per function. A sample's duration is the gap to the next sample. With `window`
 * (µs on the profile's clock), only samples inside it count, unless none does.
 */
export function selfTimes(profile: CpuProfile, window?: { fromUs: number; toUs: number }): SelfTimeReport {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const { samples, windowed } = timedSamples(profile, window);
  const rows = new Map<string, SelfTime>();
  let totalUs = 0;
  let idleUs = 0;
  for (const { id, us } of samples) {
    const node = byId.get(id);
    if (!node) continue;
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

/**
 * Time by the nearest frame on the stack whose script `owns` (e.g. the project's own packages): a
 * sample in a Node write called from the hub's flush counts for the flush. Samples with no such frame
 * go to the nearest frame of any package (`category`), else to their own category (node internals...).
 * Rows carry the owning frame; `selfUs` here is the attributed time.
 */
export function byOwner(
  profile: CpuProfile,
  owns: (url: string) => boolean,
  window?: { fromUs: number; toUs: number },
): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<number, { key: string; row: Omit<SelfTime, 'selfUs'> }>();
  const ownerOf = (id: number) => {
    const cached = owner.get(id);
    if (cached) return cached;
    let fallback: SelfTime['category'] | undefined;
    let found: { key: string; row: Omit<SelfTime, 'selfUs'> } | undefined;
    for (let at: number | undefined = id; at !== undefined && !found; at = parent.get(at)) {
      const f = (byId.get(at) as CpuProfile['nodes'][number]).callFrame;
      if (owns(f.url)) {
        const row = {
          functionName: f.functionName || '(anonymous)',
          url: f.url,
          line: f.lineNumber + 1,
          column: (f.columnNumber ?? -1) + 1,
          category: categoryOf(f.functionName, f.url),
        };
        found = { key: `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`, row };
      } else if (fallback === undefined) {
        const c = categoryOf(f.functionName, f.url);
        if (!GENERIC.has(c)) fallback = c;
      }
    }
    const own = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
    const category = fallback ?? categoryOf(own.functionName, own.url);
    const result = found ?? {
      key: `\u0000${category}`,
      row: { functionName: `(${category}, no project frame)`, url: '', line: 0, column: 0, category },
    };
    owner.set(id, result);
    return result;
  };
  const rows = new Map<string, SelfTime>();
  for (const { id, us } of timedSamples(profile, window).samples) {
    if (!byId.has(id)) continue;
    const { key, row } = ownerOf(id);
    const r = rows.get(key) ?? { ...row, selfUs: 0 };
    r.selfUs += us;
    rows.set(key, r);
  }
  return [...rows.values()].sort((a, b) => b.selfUs - a.selfUs);
}

/** Self time per category, busiest first. */
export function byCategory(rows: SelfTime[]): { category: string; selfUs: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.category, (sums.get(r.category) ?? 0) + r.selfUs);
  return [...sums].map(([category, selfUs]) => ({ category, selfUs })).sort((a, b) => b.selfUs - a.selfUs);
}
