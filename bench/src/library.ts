// The library-level fan-out bench: the hub behind a plain node:http server against raw node:http and
// better-sse, publishing from inside the server process (no HTTP publish), over 1000 raw TCP clients.
// Servers and the client run in separate processes driven over IPC.
import { CONTENDERS, type ContenderName } from './contenders.js';
import { type CoreLayout, pin } from './e2e/proc.js';
import { type Child, spawnChild } from './ipc.js';
import type { LibrarySizes } from './options.js';

const SIZE = 100;
const BURSTS = [1, 10];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One contender's library-level figures. */
export interface Result {
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

async function measure(name: ContenderName, o: LibrarySizes, cores: CoreLayout): Promise<Result> {
  const server = spawnChild('./serverProcess.ts', [name]);
  const client = spawnChild('./clientProcess.ts');
  if (cores.server !== null) {
    pin(server.proc.pid as number, cores.server);
    pin(client.proc.pid as number, cores.load.join(','));
  }
  const { port } = await server.next<{ port: number }>('ready');
  await client.next('ready');
  try {
    const before = await server.ask<{ heap: number; external: number; rss: number }>({ type: 'mem' }, 'mem');
    await client.ask({ type: 'connect', port, n: o.connections }, 'connected');
    await waitClients(server, o.connections);
    await sleep(300);
    const after = await server.ask<{ heap: number; external: number; rss: number }>({ type: 'mem' }, 'mem');
    const heapPerConn = (after.heap + after.external - before.heap - before.external) / o.connections;
    const rssPerConn = (after.rss - before.rss) / o.connections;

    const fanout: Result['fanout'] = {};
    const once = async (events: number, burst: number) => {
      await client.ask({ type: 'expect', total: events * o.connections }, 'expecting');
      const done = client.next<{ at: number }>('done');
      const { start } = await server.ask<{ start: number }>({ type: 'fanout', events, size: SIZE, burst }, 'fanout');
      const { at } = await done;
      return (events * o.connections) / ((at - start) / 1000);
    };
    await once(200, 10); // warm-up
    for (const burst of BURSTS) {
      const runs: number[] = [];
      for (let r = 0; r < o.reps; r++) runs.push(await once(o.events, burst));
      fanout[burst] = { median: median(runs), runs };
    }

    await client.ask({ type: 'latency' }, 'latency-on');
    await server.ask(
      { type: 'steady', rate: o.rate, durationMs: o.steadyMs, size: SIZE },
      'steady',
      o.steadyMs + 60_000,
    );
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

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs the library-level fan-out bench and prints its table; returns the results for the JSON file. */
export async function runLibraryBench(o: LibrarySizes, cores: CoreLayout): Promise<Result[]> {
  console.log(
    `Library fan-out (the hub in a plain node:http server, publishing in-process): ${o.connections} SSE connections, ${SIZE}-byte events, ${o.events} events x ${o.reps} runs per burst size; latency at ${o.rate} events/s for ${o.steadyMs / 1000} s`,
  );
  const results: Result[] = [];
  for (const name of CONTENDERS) {
    console.log(`  measuring ${name} ...`);
    results.push(await measure(name, o, cores));
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

  return results;
}
