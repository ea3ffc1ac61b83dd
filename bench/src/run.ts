// `pnpm bench`: fan-out, latency and idle memory of webstream against raw node:http and better-sse,
// all measured in this run on this machine. Servers and clients run in separate processes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { CONTENDERS, type ContenderName } from './contenders.js';
import { type E2eResult, type E2eSetup, measureE2e } from './e2e.js';
import { type Child, spawnChild } from './ipc.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const SIZE = 100;
const BURSTS = [1, 10];
const RATE = Number(process.env.BENCH_RATE ?? 200);
// The naive server saturates near 180k deliveries/s: at 1000 clients keep the end-to-end rate below that.
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 100);
const STEADY_MS = Number(process.env.BENCH_STEADY_MS ?? 5000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  name: ContenderName;
  fanout: Record<number, { median: number; runs: number[] }>;
  latency: { p50: number; p99: number; max: number; count: number };
  heapPerConn: number;
  rssPerConn: number;
}

async function waitClients(server: Child, n: number) {
  for (let i = 0; i < 400; i++) {
    const m = await server.ask<{ clients: number }>({ type: 'mem' }, 'mem');
    if (m.clients >= n) return;
    await sleep(50);
  }
  throw new Error(`server never saw ${n} clients`);
}

async function measure(name: ContenderName): Promise<Result> {
  const server = spawnChild('./serverProcess.ts', [name]);
  const client = spawnChild('./clientProcess.ts');
  const { port } = await server.next<{ port: number }>('ready');
  await client.next('ready');
  try {
    const before = await server.ask<{ heap: number; external: number; rss: number }>({ type: 'mem' }, 'mem');
    await client.ask({ type: 'connect', port, n: CONNECTIONS }, 'connected');
    await waitClients(server, CONNECTIONS);
    await sleep(300);
    const after = await server.ask<{ heap: number; external: number; rss: number }>({ type: 'mem' }, 'mem');
    const heapPerConn = (after.heap + after.external - before.heap - before.external) / CONNECTIONS;
    const rssPerConn = (after.rss - before.rss) / CONNECTIONS;

    const fanout: Result['fanout'] = {};
    const once = async (events: number, burst: number) => {
      await client.ask({ type: 'expect', total: events * CONNECTIONS }, 'expecting');
      const done = client.next<{ at: number }>('done');
      const { start } = await server.ask<{ start: number }>({ type: 'fanout', events, size: SIZE, burst }, 'fanout');
      const { at } = await done;
      return (events * CONNECTIONS) / ((at - start) / 1000);
    };
    await once(200, 10); // warm-up
    for (const burst of BURSTS) {
      const runs: number[] = [];
      for (let r = 0; r < REPS; r++) runs.push(await once(EVENTS, burst));
      fanout[burst] = { median: median(runs), runs };
    }

    await client.ask({ type: 'latency' }, 'latency-on');
    await server.ask({ type: 'steady', rate: RATE, durationMs: STEADY_MS, size: SIZE }, 'steady', STEADY_MS + 60_000);
    await sleep(300);
    const latency = await client.ask<Result['latency']>({ type: 'latency-report' }, 'latency-report');
    return { name, fanout, latency, heapPerConn, rssPerConn };
  } finally {
    await client.ask({ type: 'close' }, 'closed').catch(() => undefined);
    client.proc.kill();
    server.proc.send({ type: 'exit' });
    await sleep(100);
    server.proc.kill();
  }
}

async function redisReachable(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function dropStream(url: string, key: string): Promise<void> {
  if (!(await redisReachable(url))) return;
  const r = new Redis(url);
  await r.del(key);
  r.disconnect();
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  console.log(
    `webstream bench: ${CONNECTIONS} SSE connections over loopback, ${SIZE}-byte events, ${EVENTS} events x ${REPS} runs per burst size; latency at ${RATE} events/s for ${STEADY_MS / 1000} s (node ${process.version})`,
  );
  const results: Result[] = [];
  for (const name of CONTENDERS) {
    console.log(`  measuring ${name} ...`);
    results.push(await measure(name));
  }
  const by = Object.fromEntries(results.map((r) => [r.name, r])) as Record<ContenderName, Result>;
  const rows = results.map((r) => [
    r.name,
    ...BURSTS.map((b) => fmt(r.fanout[b]?.median ?? 0)),
    fmt(r.latency.p50, 2),
    fmt(r.latency.p99, 2),
    fmt(r.heapPerConn / 1024, 1),
    fmt(r.rssPerConn / 1024, 1),
  ]);
  const header = [
    'server',
    ...BURSTS.map((b) => `fan-out ev/s (burst ${b})`),
    'p50 ms',
    'p99 ms',
    'heap+ext KiB/conn',
    'rss KiB/conn',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  console.log(`\n${line(header)}`);
  for (const row of rows) console.log(line(row as string[]));
  const ws = by.webstream;
  console.log('\nwebstream ratios (median delivered events/s; >1 is faster):');
  for (const base of ['node:http', 'better-sse'] as const) {
    const parts = BURSTS.map(
      (b) => `burst ${b}: ${fmt((ws.fanout[b]?.median ?? 0) / (by[base].fanout[b]?.median ?? 1), 2)}x`,
    );
    console.log(
      `  vs ${base.padEnd(10)} ${parts.join(', ')}; p99 latency ${fmt(ws.latency.p99 / by[base].latency.p99, 2)}x`,
    );
  }

  console.log(
    `\nEnd to end: HTTP POST /api/push (8 in flight) -> server -> ${CONNECTIONS} SSE clients; latency at ${E2E_RATE} pushes/s`,
  );
  const e2e: E2eResult[] = [];
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisStream = `webstream:bench:${process.pid}`;
  const setups: E2eSetup[] = [
    { name: 'node:http (naive)', server: 'node:http' },
    { name: 'webstream, memory', server: 'webstream' },
  ];
  if (await redisReachable(redisUrl))
    setups.push({
      name: 'webstream x2, Redis',
      server: 'webstream',
      instances: 2,
      redis: { url: redisUrl, stream: redisStream },
    });
  else console.log(`  (no Redis at ${redisUrl}: skipping the two-instance run; set BENCH_REDIS_URL)`);
  const e2eOpts = {
    connections: CONNECTIONS,
    events: EVENTS,
    reps: REPS,
    rate: E2E_RATE,
    steadyMs: STEADY_MS,
    size: SIZE,
  };
  for (const setup of setups) {
    console.log(`  measuring ${setup.name} ...`);
    e2e.push(await measureE2e(setup, e2eOpts));
  }
  await dropStream(redisUrl, redisStream);
  const e2eHeader = ['server', 'delivered ev/s (median)', 'p50 ms', 'p99 ms'];
  const e2eRows = e2e.map((r) => [r.name, fmt(median(r.throughput)), fmt(r.latency.p50, 2), fmt(r.latency.p99, 2)]);
  const e2eWidths = e2eHeader.map((h, i) => Math.max(h.length, ...e2eRows.map((row) => String(row[i]).length)));
  const e2eLine = (cells: string[]) => cells.map((c, i) => c.padStart(e2eWidths[i] as number)).join('  ');
  console.log(`\n${e2eLine(e2eHeader)}`);
  for (const row of e2eRows) console.log(e2eLine(row as string[]));
  const [naive, ours, scaled] = e2e as [E2eResult, E2eResult, E2eResult | undefined];
  const vs = (a: E2eResult, b: E2eResult) =>
    `${fmt(median(a.throughput) / median(b.throughput), 2)}x delivered/s; p50 ${fmt(a.latency.p50 / b.latency.p50, 2)}x, p99 ${fmt(a.latency.p99 / b.latency.p99, 2)}x latency`;
  console.log(`\nwebstream server vs naive node:http server: ${vs(ours, naive)}`);
  if (scaled) console.log(`two instances on Redis vs one in memory: ${vs(scaled, ours)}`);
  mkdirSync(new URL('../results', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('../results/latest.json', import.meta.url),
    JSON.stringify({ date: new Date(), results, e2e }, null, 2),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
