// Command-line options of `pnpm bench` (passed through: `pnpm bench --quick --scenarios burst`).
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES, type ScenarioName, type ScenarioSizes } from './e2e/scenarios.js';
import { SERVER_NAMES, type ServerName } from './e2e/servers.js';

/** Suites `pnpm bench` runs. */
export const SUITE_NAMES = ['library', 'servers', 'ws'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** Sizes of the library-level fan-out bench. */
export interface LibrarySizes {
  connections: number;
  events: number;
  reps: number;
  rate: number;
  steadyMs: number;
}

/** Everything a run needs, defaults applied. */
export interface BenchOptions {
  quick: boolean;
  suites: SuiteName[];
  scenarios: ScenarioName[];
  servers: ServerName[];
  reps: number;
  /** Receiver processes (default: one per load core). */
  receivers: number | undefined;
  pin: boolean;
  /** Extra webstream CLI arguments. */
  webstreamArgs: string[];
  /** Extra node flags for webstream (after those of its `#!` line). */
  webstreamNodeArgs: string[];
  /** webstream processes behind one port (node:cluster on the Redis bus). */
  webstreamProcesses: number;
  sizes: ScenarioSizes;
  library: LibrarySizes;
  /** `--profile`: run webstream under --cpu-prof in the burst instead of the bench. */
  profile: boolean;
  /** `--perf`: with --profile, also sample the server with `perf record` (software clock). */
  perf: boolean;
  top: number;
}

/**
 * Rate limits for webstream's publisher. A local publisher is limited to 20/s by default until
 * trusted publishers are exempt; set `--webstream-args=` (empty) to measure with the server's defaults.
 */
export const DEFAULT_WEBSTREAM_ARGS = '--rate-limit 1000000000 --rate-burst 1000000000';

export const USAGE = `pnpm bench [options]
  --quick                 one rep, smaller sizes (a smoke run, about a minute)
  --suite <list>          ${SUITE_NAMES.join(',')} (default all; ws: WebSocket beside SSE fan-out)
  --scenarios <list>      ${SCENARIO_NAMES.join(',')} (default all)
  --servers <list>        ${SERVER_NAMES.join(',')} (default all; nchan skipped when absent)
  --reps <n>              reps per scenario and server (default 3, quick 1); medians are reported
  --receivers <n>         receive-client processes (default: one per load core)
  --no-pin                do not pin the server to core 0 and the load to the others
  --webstream-args=<s>    extra webstream arguments, after an = sign (default "${DEFAULT_WEBSTREAM_ARGS}";
                          --webstream-args= runs webstream with its own defaults)
  --webstream-node-args=<s>  extra node flags for webstream, after an = sign (e.g. "--trace-gc")
  --webstream-processes <n>  webstream processes behind one port (node:cluster; each on the Redis bus,
                          so add --redis redis://127.0.0.1:6379 to --webstream-args); default 1
  --connections <n>       burst connections (default 1000, quick 500)
  --messages <n>          burst messages (default 1000, quick 200)
  --idle-connections <n>  idle scenario connections (default 10000, quick 2000)
  --scale <list>          scale connection counts (default 1000,5000,10000; quick 500,2000)
  --steady-seconds <n>    steady scenario duration (default 10, quick 2)
  --profile               profile webstream (--cpu-prof) in the burst and print the top functions
                          (with --scenarios publish-rate: in the publish-rate run instead)
  --perf                  with --profile: also perf record the server and split kernel / native / JIT
  --top <n>               functions to print with --profile (default 20)`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s === 'raw' ? 'node:http' : s));
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (bad.length > 0) throw new Error(`unknown ${what} ${bad.join(', ')} (choose from ${allowed.join(', ')})`);
  return items as T[];
}

function num(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number, got "${value}"`);
  return n;
}

/** Parses `argv`; throws with a message naming the bad option. `null` means help was asked for. */
export function parseOptions(argv: string[]): BenchOptions | null {
  const { values: v } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      suite: { type: 'string' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      reps: { type: 'string' },
      receivers: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      'webstream-args': { type: 'string' },
      'webstream-node-args': { type: 'string' },
      'webstream-processes': { type: 'string' },
      connections: { type: 'string' },
      messages: { type: 'string' },
      'idle-connections': { type: 'string' },
      scale: { type: 'string' },
      'steady-seconds': { type: 'string' },
      profile: { type: 'boolean', default: false },
      perf: { type: 'boolean', default: false },
      top: { type: 'string' },
    },
  });
  if (v.help) return null;
  const quick = v.quick === true;
  const scaleList = v.scale?.split(',').map((s) => num(s, '--scale') as number);
  const sizes: ScenarioSizes = {
    size: 100,
    warmup: quick ? 50 : 200,
    stallMs: 5000,
    burst: {
      connections: num(v.connections, '--connections') ?? (quick ? 500 : 1000),
      messages: num(v.messages, '--messages') ?? (quick ? 200 : 1000),
      inFlight: [2, 8],
    },
    steady: {
      connections: 100,
      rate: 1000,
      seconds: num(v['steady-seconds'], '--steady-seconds') ?? (quick ? 2 : 10),
      inFlight: 8,
    },
    idle: {
      connections: num(v['idle-connections'], '--idle-connections') ?? (quick ? 2000 : 10_000),
      settleMs: quick ? 500 : 2000,
    },
    scale: {
      connections: scaleList ?? (quick ? [500, 2000] : [1000, 5000, 10_000]),
      deliveries: quick ? 200_000 : 1_000_000,
      inFlight: 2,
    },
    publishRate: { publishers: 4, seconds: quick ? 1.5 : 5 },
  };
  return {
    quick,
    suites: list(v.suite, SUITE_NAMES, 'suite') ?? [...SUITE_NAMES],
    scenarios: list(v.scenarios, SCENARIO_NAMES, 'scenario') ?? [...SCENARIO_NAMES],
    servers: list(v.servers, SERVER_NAMES, 'server') ?? [...SERVER_NAMES],
    reps: num(v.reps, '--reps') ?? (quick ? 1 : 3),
    receivers: num(v.receivers, '--receivers'),
    pin: v['no-pin'] !== true,
    webstreamArgs: (v['webstream-args'] ?? DEFAULT_WEBSTREAM_ARGS).split(/\s+/).filter(Boolean),
    webstreamNodeArgs: (v['webstream-node-args'] ?? '').split(/\s+/).filter(Boolean),
    webstreamProcesses: num(v['webstream-processes'], '--webstream-processes') ?? 1,
    sizes,
    library: quick
      ? { connections: 200, events: 200, reps: 1, rate: 200, steadyMs: 1000 }
      : { connections: 1000, events: 500, reps: 5, rate: 200, steadyMs: 5000 },
    profile: v.profile === true,
    perf: v.perf === true,
    top: num(v.top, '--top') ?? 20,
  };
}
