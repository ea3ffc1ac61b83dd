// The end-to-end scenarios. Each rep starts a fresh server, connects, warms up, measures and stops it.
import { percentiles } from './histogram.js';
import type { Load } from './load.js';
import { coreSeconds, cpuSeconds, rssBytes } from './proc.js';
import { type DriveOptions, drive } from './publisher.js';
import type { RunningServer, ServerName } from './servers.js';

/** The scenarios, in the order they run. */
export const SCENARIO_NAMES = ['burst', 'steady', 'idle', 'scale', 'publish-rate'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Sizes of every scenario. */
export interface ScenarioSizes {
  /** Payload bytes per message. */
  size: number;
  /** Messages published (and awaited on every connection) after each start, before measuring. */
  warmup: number;
  /** A delivery that makes no progress for this long is reported as incomplete. */
  stallMs: number;
  burst: { connections: number; messages: number; inFlight: number[] };
  steady: { connections: number; rate: number; seconds: number; inFlight: number };
  idle: { connections: number; settleMs: number };
  scale: { connections: number[]; deliveries: number; inFlight: number };
  publishRate: { publishers: number; seconds: number };
}

/** One measurement: named figures plus anything that went wrong. */
export interface Measured {
  metrics: Record<string, number>;
  notes: string[];
}

/** What a scenario needs from the harness. */
export interface ScenarioContext {
  load: Load;
  sizes: ScenarioSizes;
  /** Load cores, for the load CPU percentage. */
  loadCores: number;
  /** The core the server is pinned to (to see what else ran on it), or null. */
  serverCore: number | null;
  start(name: ServerName, connections: number): Promise<RunningServer>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pad = (head: string, size: number) => head + 'x'.repeat(Math.max(size - head.length, 0));
const MiB = 1024 * 1024;

/**
 * How busy the server's core was with other processes (the machine may be shared): its busy share
 * minus the server's own CPU, in percent of the core.
 */
function othersOnCore(
  before: { busy: number; total: number } | null,
  after: { busy: number; total: number } | null,
  serverCpuSeconds: number,
): number {
  if (!before || !after || after.total <= before.total) return Number.NaN;
  const others = after.busy - before.busy - serverCpuSeconds;
  return Math.max(0, (100 * others) / (after.total - before.total));
}

/** CPU seconds of every process of the server (a cluster's workers included). */
const serverCpu = (server: RunningServer): number =>
  (server.pids?.() ?? [server.pid]).reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/** Starts counting CPU: the server's, the load side's, and other processes' on the server core. */
function cpuMeter(
  ctx: ScenarioContext,
  server: RunningServer,
): () => { server: number; load: number; othersPct: number } {
  const cpu0 = serverCpu(server);
  const load0 = ctx.load.cpuSeconds();
  const core0 = ctx.serverCore === null ? null : coreSeconds(ctx.serverCore);
  return () => {
    const cpu = serverCpu(server) - cpu0;
    const core1 = ctx.serverCore === null ? null : coreSeconds(ctx.serverCore);
    return { server: cpu, load: ctx.load.cpuSeconds() - load0, othersPct: othersOnCore(core0, core1, cpu) };
  };
}

/** Starts `name`, connects `connections` and runs `body`; always disconnects and stops. */
async function withServer<T>(
  ctx: ScenarioContext,
  name: ServerName,
  connections: number,
  body: (server: RunningServer, rssBefore: number) => Promise<T>,
): Promise<T> {
  const server = await ctx.start(name, connections);
  try {
    await sleep(200);
    const rssBefore = rssBytes(server.pid);
    await ctx.load.connect(server, connections);
    return await body(server, rssBefore);
  } finally {
    await ctx.load.disconnect().catch(() => undefined);
    await server.stop();
  }
}

/**
 * Publishes per `drive` while the receivers count, and measures delivered events/s (first publish to
 * last event on every connection), server CPU per event and the load side's CPU.
 */
export async function delivery(
  ctx: ScenarioContext,
  server: RunningServer,
  options: DriveOptions & { count: number },
  stamps = false,
): Promise<Measured> {
  await ctx.load.reset(stamps);
  const wait = await ctx.load.arm(options.count);
  const meter = cpuMeter(ctx, server);
  const pub = await drive(server.publish, options);
  const waited = await wait(ctx.sizes.stallMs);
  const { server: cpu, load: loadCpu, othersPct } = meter();
  const delivered = await ctx.load.report();
  const seconds = Math.max(waited.at - pub.startMs, 1) / 1000;
  const notes: string[] = [];
  if (pub.rejected > 0)
    notes.push(`${server.name}: ${pub.rejected} publishes rejected ${JSON.stringify(pub.statuses)}`);
  if (!waited.complete)
    notes.push(
      `${server.name}: delivery incomplete, ${waited.events} of ${options.count} x connections (per connection ${delivered.min}..${delivered.max}, ${delivered.closed} closed by the server)`,
    );
  const [p50, p99, max] = percentiles(delivered.latency, [0.5, 0.99, 1]).values;
  return {
    metrics: {
      events: waited.events,
      evPerSec: waited.events / seconds,
      serverUsPerEvent: (cpu * 1e6) / Math.max(waited.events, 1),
      serverCpuPct: (100 * cpu) / seconds,
      loadCpuPct: (100 * loadCpu) / seconds / ctx.loadCores,
      loadUsPerEvent: (loadCpu * 1e6) / Math.max(waited.events, 1),
      othersPct,
      bytesPerEvent: delivered.bytes / Math.max(delivered.events, 1),
      p50: p50 as number,
      p99: p99 as number,
      max: max as number,
    },
    notes,
  };
}

/** Publishes the warm-up messages and waits until every connection has them; throws if not. */
export async function warmup(ctx: ScenarioContext, server: RunningServer, connections: number): Promise<void> {
  // About 200,000 deliveries at most: enough for the JIT, small next to the measurement at 10k connections.
  const count = Math.max(10, Math.min(ctx.sizes.warmup, Math.round(200_000 / connections)));
  const w = await delivery(ctx, server, {
    inFlight: 2,
    count,
    message: (i) => pad(`~${i}:`, ctx.sizes.size),
  });
  if (w.notes.length > 0) throw new Error(`warm-up failed: ${w.notes.join('; ')}`);
}

/** Burst: many connections, messages as fast as the server takes them, at each in-flight count. */
async function burst(ctx: ScenarioContext, name: ServerName): Promise<Record<string, Measured>> {
  const { connections, messages, inFlight } = ctx.sizes.burst;
  return withServer(ctx, name, connections, async (server) => {
    await warmup(ctx, server, connections);
    const out: Record<string, Measured> = {};
    for (const k of inFlight) {
      out[`${k} in flight`] = await delivery(ctx, server, {
        inFlight: k,
        count: messages,
        message: (i) => pad(`~${i}:`, ctx.sizes.size),
      });
    }
    return out;
  });
}

/** Steady: a fixed publish rate, publish-to-receive latency from a stamp in each payload. */
async function steady(ctx: ScenarioContext, name: ServerName): Promise<Record<string, Measured>> {
  const { connections, rate, seconds, inFlight } = ctx.sizes.steady;
  return withServer(ctx, name, connections, async (server) => {
    await warmup(ctx, server, connections);
    const m = await delivery(
      ctx,
      server,
      {
        inFlight,
        rate,
        count: Math.round(rate * seconds),
        message: (_i, sendMs) => pad(`~T${sendMs.toFixed(3)};`, ctx.sizes.size),
      },
      true,
    );
    return { [`${rate}/s`]: m };
  });
}

/** Idle: memory per connection from the server's RSS before and after connecting. */
async function idle(ctx: ScenarioContext, name: ServerName): Promise<Record<string, Measured>> {
  const { connections, settleMs } = ctx.sizes.idle;
  return withServer(ctx, name, connections, async (server, rssBefore) => {
    await sleep(settleMs);
    const rss = rssBytes(server.pid);
    return {
      [`${connections} conns`]: {
        metrics: { kibPerConn: (rss - rssBefore) / connections / 1024, baseMiB: rssBefore / MiB, rssMiB: rss / MiB },
        notes: [],
      },
    };
  });
}

/** Scale: the burst at several connection counts, with memory. */
async function scale(ctx: ScenarioContext, name: ServerName): Promise<Record<string, Measured>> {
  const out: Record<string, Measured> = {};
  const { deliveries, inFlight } = ctx.sizes.scale;
  for (const connections of ctx.sizes.scale.connections) {
    out[`${connections} conns`] = await withServer(ctx, name, connections, async (server, rssBefore) => {
      await sleep(200);
      const idleRss = rssBytes(server.pid);
      await warmup(ctx, server, connections);
      const m = await delivery(ctx, server, {
        inFlight,
        count: Math.max(20, Math.round(deliveries / connections)),
        message: (i) => pad(`~${i}:`, ctx.sizes.size),
      });
      const rss = rssBytes(server.pid);
      m.metrics.kibPerConn = (idleRss - rssBefore) / connections / 1024;
      m.metrics.rssMiB = rss / MiB;
      m.metrics.peakMiB = rssBytes(server.pid, 'VmHWM') / MiB;
      return m;
    });
  }
  return out;
}

/** Pushes as fast as the server answers for `seconds`, to one connection: the push path's own cost. */
export async function pushes(
  ctx: ScenarioContext,
  server: RunningServer,
  publishers: number,
  seconds: number,
): Promise<Measured> {
  await ctx.load.reset(false);
  const meter = cpuMeter(ctx, server);
  const pub = await drive(server.publish, {
    inFlight: publishers,
    durationMs: seconds * 1000,
    message: (i) => pad(`~${i}:`, ctx.sizes.size),
  });
  const { server: cpu, load: loadCpu, othersPct } = meter();
  const wait = await ctx.load.arm(pub.accepted);
  const waited = await wait(ctx.sizes.stallMs);
  const wall = (pub.endMs - pub.startMs) / 1000;
  const notes = waited.complete ? [] : [`${server.name}: ${waited.events} of ${pub.accepted} accepted pushes arrived`];
  if (pub.rejected > 0) notes.push(`${server.name}: ${pub.rejected} pushes rejected ${JSON.stringify(pub.statuses)}`);
  return {
    metrics: {
      events: pub.accepted,
      pushesPerSec: pub.accepted / wall,
      serverUsPerPush: (cpu * 1e6) / Math.max(pub.accepted, 1),
      serverCpuPct: (100 * cpu) / wall,
      othersPct,
      loadCpuPct: (100 * loadCpu) / wall / ctx.loadCores,
      rejected: pub.rejected,
    },
    notes,
  };
}

/** Publish rate: one connection, several publishers as fast as accepted. */
async function publishRate(ctx: ScenarioContext, name: ServerName): Promise<Record<string, Measured>> {
  const { publishers, seconds } = ctx.sizes.publishRate;
  return withServer(ctx, name, 1, async (server) => {
    await warmup(ctx, server, 1);
    return { [`${publishers} publishers`]: await pushes(ctx, server, publishers, seconds) };
  });
}

/** Runs one rep of `scenario` against `name`; the result maps each variant to its measurement. */
export function runScenario(
  scenario: ScenarioName,
  ctx: ScenarioContext,
  name: ServerName,
): Promise<Record<string, Measured>> {
  const run = { burst, steady, idle, scale, 'publish-rate': publishRate }[scenario];
  return run(ctx, name);
}
