// The end-to-end bench: real servers as separate processes on the server core, receivers and the
// publisher on the load cores, every scenario rep against every server in rotating order.
import { execFileSync } from 'node:child_process';
import type { BenchOptions } from '../options.js';
import { createLoad } from './load.js';
import { checkNchan } from './nchan.js';
import { type CoreLayout, pin } from './proc.js';
import { type Results, renderScenario } from './report.js';
import { type Measured, runScenario, type ScenarioContext, type ScenarioName } from './scenarios.js';
import { type ServerName, startServer } from './servers.js';

const DESCRIBE: Record<ScenarioName, (o: BenchOptions) => string> = {
  burst: ({ sizes: s }) =>
    `burst: ${s.burst.connections} connections x ${s.burst.messages} messages of ~${s.size} B, published as fast as answered with ${s.burst.inFlight.join(' and ')} publishes in flight`,
  steady: ({ sizes: s }) =>
    `steady: ${s.steady.connections} connections, ${s.steady.rate} messages/s for ${s.steady.seconds} s: publish-to-receive latency`,
  idle: ({ sizes: s }) =>
    `idle: ${s.idle.connections} connections, server RSS after / before, ${s.idle.settleMs} ms after the last connect`,
  scale: ({ sizes: s }) =>
    `scale: ${s.scale.connections.join(', ')} connections, ~${s.scale.deliveries.toLocaleString('en-US')} deliveries each (${s.scale.inFlight} in flight)`,
  'publish-rate': ({ sizes: s }) =>
    `publish-rate: 1 connection, ${s.publishRate.publishers} publishers as fast as answered for ${s.publishRate.seconds} s`,
};

/** The servers to run: the asked-for ones, minus nchan when it is not installed (with a note). */
export function availableServers(asked: ServerName[]): ServerName[] {
  if (!asked.includes('nchan')) return asked;
  const check = checkNchan();
  if (check.ok) {
    console.log(`  nchan: ${check.nginx}${check.module ? ` + ${check.module}` : ''}`);
    return asked;
  }
  console.log(`  nchan skipped: ${check.why}`);
  return asked.filter((s) => s !== 'nchan');
}

/** Warns when the hard fd limit is below what the largest scenario needs (Node raises its soft limit to the hard one). */
function checkFdLimit(o: BenchOptions): void {
  const need = Math.max(o.sizes.burst.connections, o.sizes.idle.connections, ...o.sizes.scale.connections) + 256;
  let hard = Number.POSITIVE_INFINITY;
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    if (text !== 'unlimited') hard = Number(text);
  } catch {
    return;
  }
  console.log(
    hard < need
      ? `  warning: ulimit -Hn is ${hard}, the largest scenario needs about ${need} descriptors per process: raise the hard limit (as root) or use smaller sizes`
      : `  file descriptors: hard limit ${hard} (Node raises its soft limit to it; nginx gets worker_rlimit_nofile)`,
  );
}

const rotate = <T>(xs: T[], by: number) => xs.map((_, i) => xs[(i + by) % xs.length] as T);

function store(results: Results, scenario: ScenarioName, server: ServerName, variants: Record<string, Measured>) {
  const byVariant = results.get(scenario) ?? new Map();
  results.set(scenario, byVariant);
  for (const [variant, m] of Object.entries(variants)) {
    const byServer = byVariant.get(variant) ?? new Map<ServerName, Measured[]>();
    byVariant.set(variant, byServer);
    byServer.set(server, [...(byServer.get(server) ?? []), m]);
  }
}

/** Runs the selected scenarios against the selected servers and prints a table per scenario. */
export async function runServerBench(o: BenchOptions, cores: CoreLayout): Promise<Results> {
  const servers = availableServers(o.servers);
  checkFdLimit(o);
  const receivers = o.receivers ?? Math.max(1, cores.load.length);
  if (cores.server !== null) pin(process.pid, cores.load.join(','));
  console.log(
    cores.server === null
      ? `  not pinned (${cores.total} core(s)); ${receivers} receiver process(es)`
      : `  server on core ${cores.server}; ${receivers} receiver process(es) and the publisher on core(s) ${cores.load.join(',')}`,
  );
  console.log(
    `  webstream ${o.webstreamArgs.join(' ') || '(no extra arguments)'}${o.webstreamProcesses > 1 ? `, ${o.webstreamProcesses} processes (node:cluster)` : ''}`,
  );
  const load = await createLoad(receivers, cores.load);
  const results: Results = new Map();
  const ctx: ScenarioContext = {
    load,
    sizes: o.sizes,
    loadCores: Math.max(1, cores.load.length),
    serverCore: cores.server === null ? null : Number(cores.server),
    start: (name, connections) =>
      startServer(name, {
        core: cores.server,
        connections,
        webstreamArgs: o.webstreamArgs,
        webstreamNodeArgs: o.webstreamNodeArgs,
        webstreamProcesses: o.webstreamProcesses,
      }),
  };
  try {
    for (const scenario of o.scenarios) {
      console.log(`\n${DESCRIBE[scenario](o)}; median of ${o.reps}`);
      for (let rep = 0; rep < o.reps; rep++) {
        for (const server of rotate(servers, rep)) {
          process.stdout.write(`  rep ${rep + 1}/${o.reps} ${server} ...`);
          const t0 = performance.now();
          try {
            store(results, scenario, server, await runScenario(scenario, ctx, server));
            process.stdout.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
          } catch (error) {
            process.stdout.write(` failed: ${(error as Error).message.split('\n')[0]}\n`);
            store(results, scenario, server, {
              failed: { metrics: {}, notes: [`${server}: ${(error as Error).message}`] },
            });
          }
        }
      }
      const variants = results.get(scenario);
      if (variants) console.log(`\n${renderScenario(scenario, variants)}`);
    }
  } finally {
    load.stop();
  }
  return results;
}
