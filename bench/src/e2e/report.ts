// Prints the end-to-end results: medians of the reps, ratios against raw node:http and nchan, and
// flags for figures that are lower bounds because the load side was saturated.
import type { Measured, ScenarioName } from './scenarios.js';
import type { ServerName } from './servers.js';

/** Reps per scenario, variant and server, in run order. */
export type Results = Map<ScenarioName, Map<string, Map<ServerName, Measured[]>>>;

/** Load-side CPU at or above this share of its cores makes a throughput figure a lower bound. */
export const CLIENT_BOUND_PCT = 90;

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

interface Column {
  title: string;
  cell(reps: Measured[], peers: Map<ServerName, Measured[]>): string;
}

const med = (reps: Measured[], key: string) => median(reps.map((r) => r.metrics[key] ?? Number.NaN));
const metric = (title: string, key: string, digits = 0): Column => ({
  title,
  cell: (reps) => fmt(med(reps, key), digits),
});

/** Higher-is-better figure with a `*` when the load side was saturated, and its min..max. */
const throughput = (title: string, key: string): Column => ({
  title,
  cell(reps) {
    const bound = med(reps, 'loadCpuPct') >= CLIENT_BOUND_PCT ? '*' : '';
    return `${fmt(med(reps, key))}${bound}`;
  },
});
const range = (key: string, digits = 0): Column => ({
  title: 'range',
  cell(reps) {
    const xs = reps.map((r) => r.metrics[key] ?? Number.NaN);
    return reps.length > 1 ? `${fmt(Math.min(...xs), digits)}..${fmt(Math.max(...xs), digits)}` : '';
  },
});
/** Ratio of this server's median to `base`'s; `inverse` for lower-is-better figures. */
const ratio = (base: ServerName, key: string, inverse = false): Column => ({
  title: `vs ${base}`,
  cell(reps, peers) {
    const b = peers.get(base);
    if (!b) return '';
    const r = med(reps, key) / med(b, key);
    return `${fmt(inverse ? 1 / r : r, 2)}x`;
  },
});

const COLUMNS: Record<ScenarioName, Column[]> = {
  burst: [
    throughput('delivered ev/s', 'evPerSec'),
    range('evPerSec'),
    ratio('node:http', 'evPerSec'),
    ratio('nchan', 'evPerSec'),
    metric('server us/ev', 'serverUsPerEvent', 2),
    metric('server CPU %', 'serverCpuPct'),
    metric('others on its core %', 'othersPct'),
    metric('load CPU %', 'loadCpuPct'),
    metric('load us/ev', 'loadUsPerEvent', 2),
    metric('B/ev', 'bytesPerEvent'),
  ],
  steady: [
    metric('p50 ms', 'p50', 2),
    metric('p99 ms', 'p99', 2),
    metric('max ms', 'max', 1),
    {
      title: 'p99 / nchan p99',
      cell: (reps, peers) =>
        peers.get('nchan') ? `${fmt(med(reps, 'p99') / med(peers.get('nchan') ?? [], 'p99'), 2)}x` : '',
    },
    metric('server CPU %', 'serverCpuPct'),
    metric('others on its core %', 'othersPct'),
    metric('load CPU %', 'loadCpuPct'),
  ],
  idle: [
    metric('KiB/conn', 'kibPerConn', 1),
    range('kibPerConn', 1),
    metric('RSS before MiB', 'baseMiB', 1),
    metric('RSS after MiB', 'rssMiB', 1),
  ],
  scale: [
    throughput('delivered ev/s', 'evPerSec'),
    ratio('node:http', 'evPerSec'),
    ratio('nchan', 'evPerSec'),
    metric('server us/ev', 'serverUsPerEvent', 2),
    metric('others on its core %', 'othersPct'),
    metric('load CPU %', 'loadCpuPct'),
    metric('idle KiB/conn', 'kibPerConn', 1),
    metric('RSS after MiB', 'rssMiB', 1),
    metric('peak MiB', 'peakMiB', 1),
  ],
  'publish-rate': [
    throughput('pushes/s', 'pushesPerSec'),
    range('pushesPerSec'),
    ratio('node:http', 'pushesPerSec'),
    ratio('nchan', 'pushesPerSec'),
    metric('server us/push', 'serverUsPerPush', 1),
    metric('server CPU %', 'serverCpuPct'),
    metric('others on its core %', 'othersPct'),
    metric('load CPU %', 'loadCpuPct'),
    metric('rejected', 'rejected'),
  ],
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd : c.padStart).call(c, widths[i] as number)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Renders one scenario's table, its flags and notes. */
export function renderScenario(scenario: ScenarioName, variants: Map<string, Map<ServerName, Measured[]>>): string {
  const columns = COLUMNS[scenario];
  const rows: string[][] = [];
  const notes = new Set<string>();
  let bound = false;
  let unsaturated = false;
  let contended = false;
  for (const [variant, servers] of variants) {
    for (const [server, reps] of servers) {
      rows.push([variant, server, ...columns.map((c) => c.cell(reps, servers))]);
      for (const r of reps) for (const n of r.notes) notes.add(`${variant}: ${n}`);
      if (med(reps, 'loadCpuPct') >= CLIENT_BOUND_PCT) bound = true;
      if (scenario === 'burst' && med(reps, 'serverCpuPct') < 85) unsaturated = true;
      if (med(reps, 'othersPct') >= 10) contended = true;
    }
  }
  const out = [table(['case', 'server', ...columns.map((c) => c.title)], rows)];
  if (bound)
    out.push(
      `* the load side (receivers + publisher) used >= ${CLIENT_BOUND_PCT}% of its core(s): that figure is a lower bound, the client may be what limits it`,
    );
  if (contended)
    out.push(
      '  other processes used >= 10% of the server core during some runs (the machine is shared): compare server us/ev, which suffers least from that',
    );
  if (unsaturated)
    out.push(
      '  a server below 85% CPU in a burst was held back by something else: other processes on its core, publish round-trips or the client',
    );
  for (const n of notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
