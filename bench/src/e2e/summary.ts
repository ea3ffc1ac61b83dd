// The closing lines of the end-to-end bench: webstream against the floor issue 15 sets.
import { CLIENT_BOUND_PCT, median, type Results } from './report.js';
import type { Measured } from './scenarios.js';

const med = (reps: Measured[] | undefined, key: string) =>
  reps ? median(reps.map((r) => r.metrics[key] ?? Number.NaN)) : Number.NaN;

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** One line per floor: the measured value, the target, and whether it is met. */
export function summarize(results: Results): string {
  const lines = ['webstream against the floor of issue 15 (medians of this run):'];
  const check = (what: string, value: number, ok: (v: number) => boolean, target: string, extra = '') => {
    const verdict = Number.isFinite(value) ? (ok(value) ? 'met' : 'NOT met') : 'not measured';
    lines.push(`  ${what.padEnd(34)} ${fmt(value).padStart(7)}  (target ${target}): ${verdict}${extra}`);
  };
  const burst = results.get('burst');
  for (const [k, target] of [
    [8, 1],
    [2, 0.8],
  ] as const) {
    const servers = burst?.get(`${k} in flight`);
    const ws = servers?.get('webstream');
    const bound =
      med(ws, 'loadCpuPct') >= CLIENT_BOUND_PCT || med(servers?.get('nchan'), 'loadCpuPct') >= CLIENT_BOUND_PCT;
    check(
      `burst, ${k} in flight, x nchan`,
      med(ws, 'evPerSec') / med(servers?.get('nchan'), 'evPerSec'),
      (v) => v >= target,
      `>= ${target.toFixed(1)}x`,
      bound ? ' (client-bound: a lower bound)' : '',
    );
  }
  const idle = results.get('idle');
  const idleWs = idle ? [...idle.values()][0]?.get('webstream') : undefined;
  check('idle KiB per connection', med(idleWs, 'kibPerConn'), (v) => v <= 10, '<= 10');
  const steady = results.get('steady');
  const steadyServers = steady ? [...steady.values()][0] : undefined;
  check(
    'steady p99, x nchan p99',
    med(steadyServers?.get('webstream'), 'p99') / med(steadyServers?.get('nchan'), 'p99'),
    (v) => v <= 2,
    '<= 2x',
  );
  return lines.join('\n');
}
