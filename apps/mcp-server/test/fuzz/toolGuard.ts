/** Longest a fuzzed tool call may legitimately wait (scripts_run's waitMs, logs_stream's durationMs). */
export const MAX_TOOL_WAIT_MS = 100;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Keeps fuzzed tool calls from starting long work: `long` is never run, `crash` (which exits at once)
 * at most `maxRuns` times counting restarts, and valid waits are capped so a call answers quickly.
 * Invalid values are left alone: they must be refused, which is what is being tested.
 */
export function createToolGuard(maxRuns: number) {
  let runs = 0;
  // Only valid values (the tools accept up to 300000 ms) are lowered; out-of-range ones must be refused as sent.
  const cap = (v: unknown, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v > max && v <= 300_000 ? max : v;
  return {
    get runs() {
      return runs;
    },
    /** The arguments to send instead of `args` for tool `name`. */
    sanitize(name: unknown, args: unknown): unknown {
      if (!isObject(args)) return args;
      const copy: Record<string, unknown> = { ...args };
      if (name === 'scripts_run') {
        if (copy.name === 'long' || (copy.name === 'crash' && runs >= maxRuns)) copy.name = 'no-such-script';
        if (copy.name === 'crash') {
          runs++;
          copy.waitMs = cap(copy.waitMs, 3000) ?? 3000;
        }
      }
      if (name === 'scripts_restart' && typeof copy.processId === 'string') {
        if (runs >= maxRuns) copy.processId = 'no-such-process';
        else runs++;
      }
      if (name === 'logs_stream') {
        copy.durationMs = cap(copy.durationMs, MAX_TOOL_WAIT_MS) ?? MAX_TOOL_WAIT_MS;
      }
      return copy;
    },
  };
}
