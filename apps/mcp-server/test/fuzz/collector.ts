import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What went wrong in one fuzz case. Each kind is one of the counts `pnpm fuzz` prints. */
export type ViolationKind =
  /** A 5xx that is not a documented limit. */
  | 'server-error'
  /** No complete answer within the hang bound. */
  | 'hang'
  /** The connection closed or reset without an answer. */
  | 'reset'
  /** The server process died, or stopped answering /health. */
  | 'crash'
  /** A 4xx whose body carries no message (JSON `error` or text). */
  | 'no-message'
  /** An accepted push that a live subscriber did not receive in time. */
  | 'lost'
  /** A delivered event that differs from what was accepted. */
  | 'mismatch'
  /** A JSON-RPC internal error (-32603), or an MCP error or isError result without a text message. */
  | 'mcp-error'
  /** A request without valid credentials that was served, or one with valid credentials that was refused. */
  | 'auth';

/** One property violation: its kind, a class key that groups the same failure, and how to reproduce it. */
export interface Violation {
  kind: ViolationKind;
  /** The failure class, e.g. `GET /api/processes/:id → 500 internal error`. */
  what: string;
  /** A curl command or JSON that reproduces it. */
  reproducer: string;
  /** Server log lines or the response body seen with it. */
  detail?: string;
}

/** A failure class with how often it was seen and its shortest reproducer. */
export interface ViolationClass extends Violation {
  count: number;
}

/** The counts of one fuzz file (or, summed by scripts/fuzz.mjs, of a whole campaign). */
export interface FuzzReport {
  suite: string;
  cases: number;
  statuses: Record<string, number>;
  counts: Record<ViolationKind, number>;
  classes: ViolationClass[];
}

/** Counts cases, statuses and violations of one fuzz file. */
export interface Collector {
  readonly suite: string;
  /** Counts one generated case. */
  startCase(): void;
  /** Counts one HTTP status (or `hang`/`reset`). */
  status(status: number | string): void;
  /** Records violations; returns them for the caller to throw. */
  record(violations: readonly Violation[]): readonly Violation[];
  report(): FuzzReport;
  /** Violations of this file so far. */
  readonly violations: number;
  /** One line: cases, 5xx, crashes, hangs, 4xx without message, and the rest. */
  summary(): string;
  /** Writes the report to `$FUZZ_REPORT_DIR/<suite>.json` when that is set (scripts/fuzz.mjs reads it). */
  flush(): void;
}

const KINDS: ViolationKind[] = [
  'server-error',
  'hang',
  'reset',
  'crash',
  'no-message',
  'lost',
  'mismatch',
  'mcp-error',
  'auth',
];

/** Creates a collector for one fuzz file. */
export function createCollector(suite: string): Collector {
  let cases = 0;
  let total = 0;
  const statuses: Record<string, number> = {};
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<ViolationKind, number>;
  const classes = new Map<string, ViolationClass>();
  const report = (): FuzzReport => ({
    suite,
    cases,
    statuses: { ...statuses },
    counts: { ...counts },
    classes: [...classes.values()],
  });
  return {
    suite,
    startCase() {
      cases++;
    },
    status(status) {
      const key = String(status);
      statuses[key] = (statuses[key] ?? 0) + 1;
    },
    record(violations) {
      for (const v of violations) {
        total++;
        counts[v.kind]++;
        const key = `${v.kind}: ${v.what}`;
        const known = classes.get(key);
        if (!known) classes.set(key, { ...v, count: 1 });
        else {
          known.count++;
          if (v.reproducer.length < known.reproducer.length)
            Object.assign(known, { reproducer: v.reproducer, detail: v.detail });
        }
      }
      return violations;
    },
    report,
    get violations() {
      return total;
    },
    summary() {
      return summarize(report());
    },
    flush() {
      const dir = process.env.FUZZ_REPORT_DIR;
      if (!dir) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${suite}.json`), JSON.stringify(report(), null, 2));
    },
  };
}

/** The one-line summary of a report. */
export function summarize(r: Pick<FuzzReport, 'suite' | 'cases' | 'counts' | 'statuses'>): string {
  const c = r.counts;
  const rest = (['reset', 'lost', 'mismatch', 'mcp-error', 'auth'] as const).map((k) => `${k} ${c[k]}`).join(', ');
  const statuses = Object.entries(r.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  return `[fuzz ${r.suite}] cases ${r.cases}, 5xx ${c['server-error']}, crashes ${c.crash}, hangs ${c.hang}, 4xx without message ${c['no-message']}; ${rest}; answers ${statuses || 'none'}`;
}

/** The distinct failure classes, each with its count and shortest reproducer. */
export function describeClasses(classes: readonly ViolationClass[]): string {
  return classes
    .map(
      (v, i) =>
        `${i + 1}. [${v.kind}] ${v.what} (seen ${v.count}x)\n   reproduce: ${v.reproducer}${v.detail ? `\n   detail: ${v.detail.replace(/\s+/g, ' ').slice(0, 400)}` : ''}`,
    )
    .join('\n');
}

/**
 * JSON for a reproducer, short enough to read: a long string becomes `"q".repeat(70000)` when it is
 * one repeated character, else its start and length.
 */
export function describeValue(value: unknown): string {
  const long = new Map<string, string>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string' || v.length <= 200) return v;
    const chars = [...v];
    const marker = `\u0000long${long.size}\u0000`;
    long.set(
      JSON.stringify(marker),
      new Set(chars).size === 1
        ? `${JSON.stringify(chars[0])}.repeat(${chars.length})`
        : `${JSON.stringify(v.slice(0, 80))} + … (${v.length} chars in all)`,
    );
    return marker;
  });
  let out = text ?? String(value);
  for (const [marker, shown] of long) out = out.replace(marker, shown);
  return out;
}
