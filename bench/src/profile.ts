// `pnpm bench --profile`: the burst scenario (or `--scenarios publish-rate`) against the webstream binary
// run with --cpu-prof, then the functions with the most self time in the measured window, per event
// delivered (per push). `--perf` adds a `perf record` of the same window (software cpu-clock) to split
// kernel, native and JIT time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { byCategory, byOwner, type CpuProfile, type SelfTime, selfTimes, shortUrl } from './cpuProfile.js';
import { monoMs } from './e2e/clock.js';
import { createLoad } from './e2e/load.js';
import { type CoreLayout, pin } from './e2e/proc.js';
import { delivery, type Measured, pushes, type ScenarioContext, warmup } from './e2e/scenarios.js';
import { type RunningServer, startServer } from './e2e/servers.js';
import type { BenchOptions } from './options.js';

const maps = new Map<string, SourceMap | null>();

/** The source position of a dist location, through the file's source map when there is one. */
function original(row: SelfTime): string {
  const short = `${shortUrl(row.url)}:${row.line}`;
  if (!row.url.startsWith('file://') || row.line === 0) return row.url ? short : '';
  const file = fileURLToPath(row.url);
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      maps.set(file, null);
    }
  }
  const entry = maps.get(file)?.findEntry(row.line - 1, Math.max(0, row.column - 1));
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return short;
  const src = entry.originalSource;
  const path = src.startsWith('file://') ? fileURLToPath(src) : resolve(dirname(file), src);
  return `${shortUrl(pathToFileURL(path).href)}:${entry.originalLine + 1}`;
}

const us = (n: number) => (n / 1000).toFixed(1);

const ownsProject = (url: string) => /\/(packages|apps)\//.test(url) && !url.includes('node_modules');

function printRows(
  rows: (SelfTime | { label: string; selfUs: number })[],
  busyUs: number,
  events: number,
  title: string,
) {
  const cols = (self: number) =>
    `${us(self).padStart(9)} ${((100 * self) / busyUs).toFixed(1).padStart(6)} ${((self * 1000) / Math.max(events, 1)).toFixed(0).padStart(6)}`;
  console.log(`\n${'self ms'.padStart(9)} ${'%busy'.padStart(6)} ${'ns/ev'.padStart(6)}  ${title}`);
  for (const row of rows) {
    if ('label' in row) console.log(`${cols(row.selfUs)}  ${row.label}`);
    else {
      const where = original(row);
      console.log(`${cols(row.selfUs)}  ${row.functionName}${where ? ` (${where})` : ''}`);
    }
  }
}

function printProfile(
  profile: CpuProfile,
  window: { fromUs: number; toUs: number },
  events: number,
  top: number,
  unit: 'event' | 'push',
) {
  const report = selfTimes(profile, window);
  const busy = report.busyUs;
  console.log(
    `\nwebstream CPU profile${report.windowed ? ' during the measured run' : ' (whole run: the measured window did not match)'}: busy ${us(busy)} ms of ${us(report.totalUs)} ms sampled, ${events.toLocaleString('en-US')} ${unit}s: ${((busy * 1000) / Math.max(events, 1)).toFixed(0)} ns busy per ${unit} (ns/ev columns are per ${unit})`,
  );
  const notIdle = (r: SelfTime) => r.functionName !== '(idle)' && r.category !== '(idle)';
  printRows(report.rows.filter(notIdle).slice(0, top), busy, events, 'self time by function (source)');
  printRows(
    byCategory(report.rows)
      .filter((c) => c.category !== '(idle)')
      .map((c) => ({ label: c.category, selfUs: c.selfUs })),
    busy,
    events,
    'self time by where the code lives',
  );
  printRows(
    byOwner(profile, ownsProject, report.windowed ? window : undefined)
      .filter(notIdle)
      .slice(0, top),
    busy,
    events,
    "time by the nearest project function on the stack (packages/*, apps/*), Node's work included",
  );
}

function startPerf(pid: number, file: string): ChildProcess | null {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('  perf not found: skipping --perf');
    return null;
  }
  return spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-p', String(pid), '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function printPerf(file: string, top: number) {
  if (!existsSync(file)) return console.log('  perf wrote no data');
  for (const sort of ['dso', 'sym']) {
    const text = execFileSync(
      'perf',
      ['report', '-i', file, '--stdio', '--no-children', '--sort', sort, '-g', 'none'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const lines = text.split('\n').filter((l) => /^\s+\d+\.\d+%/.test(l));
    console.log(`\nperf (cpu-clock samples of the server, the V8 sampler of --cpu-prof included), by ${sort}:`);
    for (const l of lines.slice(0, sort === 'dso' ? 10 : top)) console.log(`  ${l.trim()}`);
  }
}

/** The measured part: the burst at each in-flight count, or the publish-rate run; returns events. */
type Mode = 'burst' | 'steady' | 'publish-rate';

async function profiled(ctx: ScenarioContext, server: RunningServer, mode: Mode): Promise<number> {
  const { messages, inFlight } = ctx.sizes.burst;
  const print = (what: string, m: Measured, rate: string, cost: string) =>
    console.log(
      `  ${what}: ${Math.round(m.metrics[rate] as number).toLocaleString('en-US')} ${rate === 'evPerSec' ? 'ev/s' : 'pushes/s'}, server ${(m.metrics[cost] as number).toFixed(2)} us each${m.notes.length ? ` (${m.notes.join('; ')})` : ''}`,
    );
  if (mode === 'publish-rate') {
    const { publishers, seconds } = ctx.sizes.publishRate;
    const m = await pushes(ctx, server, publishers, seconds);
    print(`${publishers} publishers`, m, 'pushesPerSec', 'serverUsPerPush');
    return m.metrics.events as number;
  }
  if (mode === 'steady') {
    const { rate, seconds, inFlight: k } = ctx.sizes.steady;
    const m = await delivery(
      ctx,
      server,
      { inFlight: k, rate, count: rate * seconds, message: (_i, at) => `~T${at.toFixed(3)};${'x'.repeat(84)}` },
      true,
    );
    print(`${rate}/s`, m, 'evPerSec', 'serverUsPerEvent');
    console.log(
      `  latency p50 ${m.metrics.p50?.toFixed(2)} ms, p99 ${m.metrics.p99?.toFixed(2)} ms, max ${m.metrics.max?.toFixed(1)} ms`,
    );
    return m.metrics.events as number;
  }
  let events = 0;
  for (const k of inFlight) {
    const m = await delivery(ctx, server, { inFlight: k, count: messages, message: (i) => `~${i}:${'x'.repeat(94)}` });
    print(`${k} in flight`, m, 'evPerSec', 'serverUsPerEvent');
    events += m.metrics.events as number;
  }
  return events;
}

async function stopPerf(perf: ChildProcess | null): Promise<void> {
  if (!perf) return;
  const exited = new Promise((r) => perf.once('exit', r));
  perf.kill('SIGINT');
  await exited;
}

/**
 * Runs the burst (or, with `--scenarios publish-rate`, the publish-rate run) against a profiled
 * webstream and prints where its time goes.
 */
export async function runProfile(o: BenchOptions, cores: CoreLayout): Promise<void> {
  const mode = (['burst', 'steady', 'publish-rate'] as const).find((m) => o.scenarios.includes(m));
  if (!mode) throw new Error('--profile runs the burst, steady or publish-rate scenario: pick one with --scenarios');
  const dir = mkdtempSync(join(tmpdir(), 'ws-prof-'));
  const connections = mode === 'burst' ? o.sizes.burst.connections : mode === 'steady' ? o.sizes.steady.connections : 1;
  if (cores.server !== null) pin(process.pid, cores.load.join(','));
  const load = await createLoad(o.receivers ?? Math.max(1, cores.load.length), cores.load);
  const nodeArgs = [...o.webstreamNodeArgs, '--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'];
  if (o.perf) nodeArgs.push('--perf-basic-prof');
  const server = await startServer('webstream', {
    core: cores.server,
    connections,
    webstreamArgs: o.webstreamArgs,
    webstreamNodeArgs: nodeArgs,
  });
  const ctx: ScenarioContext = {
    load,
    sizes: o.sizes,
    loadCores: Math.max(1, cores.load.length),
    serverCore: cores.server === null ? null : Number(cores.server),
    start: () => Promise.reject(new Error('not used')),
  };
  const { messages, inFlight } = o.sizes.burst;
  console.log(
    {
      burst: `profiling webstream in the burst: ${connections} connections x ${messages} messages, ${inFlight.join(' and ')} in flight`,
      steady: `profiling webstream in steady: ${connections} connections, ${o.sizes.steady.rate} messages/s for ${o.sizes.steady.seconds} s`,
      'publish-rate': `profiling webstream in publish-rate: 1 connection, ${o.sizes.publishRate.publishers} publishers for ${o.sizes.publishRate.seconds} s`,
    }[mode],
  );
  let events = 0;
  const window = { fromUs: 0, toUs: 0 };
  const perfFile = join(dir, 'perf.data');
  try {
    await load.connect(server, connections);
    await warmup(ctx, server, connections);
    const perf = o.perf ? startPerf(server.pid, perfFile) : null;
    window.fromUs = monoMs() * 1000;
    events = await profiled(ctx, server, mode);
    window.toUs = monoMs() * 1000;
    await stopPerf(perf);
  } finally {
    await load.disconnect().catch(() => undefined);
    await server.stop();
    load.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`webstream wrote no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  printProfile(profile, window, events, o.top, mode === 'publish-rate' ? 'push' : 'event');
  if (o.perf) printPerf(perfFile, o.top);
  const results = fileURLToPath(new URL('../results', import.meta.url));
  mkdirSync(results, { recursive: true });
  const saved = `webstream-${mode}.cpuprofile`;
  copyFileSync(join(dir, file), join(results, saved));
  console.log(`\nprofile saved to bench/results/${saved} (open it in Chrome DevTools > Performance)`);
  rmSync(dir, { recursive: true, force: true });
}
