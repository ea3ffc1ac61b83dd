import fc from 'fast-check';
import { type Collector, describeClasses, type Violation } from './collector.js';

/**
 * Every property and its share of the cases. In the suite each property runs `FUZZ_RUNS` (default
 * 100) times its weight; `pnpm fuzz` sets `FUZZ_CASES` (default 20000) and splits it by weight.
 */
export const PROPERTY_WEIGHTS = {
  'push bodies': 2,
  'ack bodies': 1,
  'stream parameters': 1.5,
  'auth credentials': 1,
  'dev and api routes': 1,
  'malformed http': 1,
  'host and origin': 1,
  'mcp json-rpc bodies': 1.5,
  'mcp tool arguments': 1.5,
} as const;
export type PropertyName = keyof typeof PROPERTY_WEIGHTS;

const TOTAL_WEIGHT = Object.values(PROPERTY_WEIGHTS).reduce((a, b) => a + b, 0);

/** `pnpm fuzz`: record every violation and go on (counts at the end), instead of stopping at the first. */
export const CAMPAIGN = process.env.FUZZ_CAMPAIGN === '1';

/** How many cases a property runs. */
export function numRuns(name: PropertyName): number {
  const weight = PROPERTY_WEIGHTS[name];
  const cases = Number(process.env.FUZZ_CASES);
  if (cases > 0) return Math.max(1, Math.round((cases * weight) / TOTAL_WEIGHT));
  const runs = Number(process.env.FUZZ_RUNS);
  return Math.max(1, Math.round((runs > 0 ? runs : 100) * weight));
}

/** Milliseconds a property may take: it is interrupted (and reports what it found) after this. */
export function budgetMs(name: PropertyName): number {
  return CAMPAIGN ? numRuns(name) * 200 + 60_000 : 20_000;
}

/** The vitest timeout of a property's test: its budget plus time to report and clean up. */
export const testTimeout = (name: PropertyName) => budgetMs(name) + 20_000;

const describeViolations = (vs: readonly Violation[]) =>
  vs
    .map((v) => `[${v.kind}] ${v.what}\n  reproduce: ${v.reproducer}${v.detail ? `\n  detail: ${v.detail}` : ''}`)
    .join('\n');

/**
 * Runs one property: `check` sends a generated case and returns the violations it saw. In the suite
 * the first violation fails the property (fast-check shrinks it and prints seed and path); in a
 * campaign every case runs and the distinct failure classes are reported at the end.
 * Replay: FUZZ_SEED=<seed> FUZZ_PATH=<path> with `-t '<property name>'`.
 */
export async function runFuzz<T>(
  c: Collector,
  name: PropertyName,
  arb: fc.Arbitrary<T>,
  check: (value: T) => Promise<readonly Violation[]>,
): Promise<void> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const path = process.env.FUZZ_PATH || undefined;
  const key = (k: Violation) => `${k.kind}: ${k.what}`;
  const before = new Map(c.report().classes.map((k) => [key(k), k.count]));
  const details = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      c.startCase();
      const violations = c.record(await check(value));
      if (violations.length > 0 && !CAMPAIGN) throw new Error(describeViolations(violations));
    }),
    { numRuns: numRuns(name), seed, path, plugins: [fc.interruptAfterTimeLimit(budgetMs(name))] },
  );
  if (path && details.numRuns === 0 && !details.failed)
    throw new Error(`${name}: FUZZ_PATH=${path} led to no case (another seed, or the generators changed since)`);
  const replay = `replay: FUZZ_SEED=${seed} FUZZ_PATH=${details.counterexamplePath ?? ''} vitest run <file> -t '${name}'`;
  if (details.failed) {
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${name}: failed after ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s) (seed ${seed}, path ${details.counterexamplePath})\n` +
        `counterexample: ${fc.stringify(details.counterexample).slice(0, 2000)}\n${error}\n${replay}`,
    );
  }
  const fresh = c.report().classes.filter((k) => k.count > (before.get(key(k)) ?? 0));
  if (fresh.length > 0) {
    throw new Error(
      `${name}: ${fresh.length} failure class(es) in ${details.numRuns} case(s) (seed ${seed})\n${describeClasses(fresh)}`,
    );
  }
}
