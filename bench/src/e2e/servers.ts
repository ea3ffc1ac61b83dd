// Starts the servers under test as separate processes, pinned to the server core: the real `webstream`
// binary, raw node:http, better-sse and nginx + nchan. Each is stopped and its files removed after use.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNchan, nchanConfig } from './nchan.js';
import type { PublishEndpoint } from './publisher.js';

/** The servers the end-to-end bench knows. */
export const SERVER_NAMES = ['webstream', 'node:http', 'better-sse', 'nchan'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** A server under test, up and listening. */
export interface RunningServer {
  name: ServerName;
  pid: number;
  port: number;
  streamPath: string;
  publish: PublishEndpoint;
  /** Every process that serves (a cluster's primary and workers), for CPU time; default `[pid]`. */
  pids?(): number[];
  /** Stops the process (gracefully for Node, so `--cpu-prof` gets written) and removes its files. */
  stop(): Promise<void>;
}

/** How to start a server. */
export interface StartOptions {
  /** taskset core list, or null for no pinning. */
  core: string | null;
  /** Connections the server must accept (limits are raised above it). */
  connections: number;
  /** Extra `webstream` arguments (rate limits, by default). */
  webstreamArgs: string[];
  /** Extra node flags for webstream (e.g. `--cpu-prof`). */
  webstreamNodeArgs?: string[];
  /** webstream processes behind the port (node:cluster; more than 1 needs `--redis` in `webstreamArgs`). Default 1. */
  webstreamProcesses?: number;
}

/** The built webstream binary. */
export const WEBSTREAM_CLI = fileURLToPath(new URL('../../../apps/mcp-server/dist/cli.js', import.meta.url));
/**
 * The node flags the `webstream` binary runs with: those of its `#!/usr/bin/env -S node <flags>` line,
 * so the bench starts the server as the installed command starts it.
 */
export function webstreamNodeFlags(cli = WEBSTREAM_CLI): string[] {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env\s+-S\s+node\s+(.*)$/.exec(first);
  return match?.[1] ? match[1].trim().split(/\s+/) : [];
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const jsonBody = (message: string) => JSON.stringify({ message });

interface Launched {
  child: ChildProcess;
  /** The last few KiB of stdout and stderr, kept for readiness checks and error messages. */
  out: { stdout: string; stderr: string };
}

function launch(core: string | null, command: string, args: string[], cwd?: string): Launched {
  const [cmd, argv] = core === null ? [command, args] : ['taskset', ['-c', core, command, ...args]];
  const child = spawn(cmd as string, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const out = { stdout: '', stderr: '' };
  // Always drained, so a chatty server never blocks on a full pipe.
  child.stdout?.on('data', (c: Buffer) => {
    out.stdout = (out.stdout + c.toString()).slice(-4000);
  });
  child.stderr?.on('data', (c: Buffer) => {
    out.stderr = (out.stderr + c.toString()).slice(-4000);
  });
  return { child, out };
}

/** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
function waitFor({ child, out }: Launched, from: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 20_000) {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child[from]?.off('data', check);
      child.off('exit', exited);
    };
    const check = () => {
      // Runs after launch's own listener has appended the chunk.
      const match = pattern.exec(out[from]);
      if (!match) return;
      done();
      resolve(match);
    };
    const fail = (why: string) => {
      done();
      child.kill('SIGKILL');
      reject(new Error(`${why}\n${out.stdout}${out.stderr}`.trim()));
    };
    const exited = (code: number | null) => fail(`exited with ${code} before it was ready`);
    const timer = setTimeout(() => fail(`no ${pattern} within ${timeoutMs} ms`), timeoutMs);
    child[from]?.on('data', check);
    child.once('exit', exited);
  });
}

/** Whether something accepts connections on the port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, cleanup?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    cleanup?.();
  };
}

/** On the Redis bus (required for a cluster), each run gets a stream key of its own: Redis may be shared. */
function redisArgs(o: StartOptions): string[] {
  const redis = o.webstreamArgs.includes('--redis');
  if (!redis && (o.webstreamProcesses ?? 1) > 1) {
    throw new Error(
      '--webstream-processes above 1 needs the Redis bus: add --redis redis://127.0.0.1:6379 to --webstream-args',
    );
  }
  if (!redis || o.webstreamArgs.includes('--redis-stream')) return [];
  return ['--redis-stream', `webstream-bench:${process.pid}:${Date.now()}`];
}

/** The pid and its child processes (a cluster's workers). */
function withChildren(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return [pid, ...(children ? children.split(/\s+/).map(Number) : [])];
  } catch {
    return [pid];
  }
}

async function startWebstream(o: StartOptions): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-'));
  const limit = String(Math.max(10_000, o.connections * 2));
  const args = [
    ...webstreamNodeFlags(),
    ...(o.webstreamNodeArgs ?? []),
    WEBSTREAM_CLI,
    ...['--port', '0', '--log-level', 'info', '--cwd', dir],
    ...['--max-connections', limit, '--max-connections-per-client', limit],
    ...o.webstreamArgs,
    ...redisArgs(o),
  ];
  const processes = o.webstreamProcesses ?? 1;
  const launched =
    processes > 1
      ? launch(
          o.core,
          process.execPath,
          [
            // Resolved here: the server's cwd is its temp dir, where no package resolves.
            '--import',
            import.meta.resolve('tsx'),
            here('./clusterLauncher.ts'),
            String(processes),
            ...args.slice(args.indexOf(WEBSTREAM_CLI)),
          ],
          dir,
        )
      : launch(o.core, process.execPath, args, dir);
  const { child } = launched;
  const ready =
    processes > 1
      ? /cluster of \d+ listening on http:\/\/127\.0\.0\.1:(\d+)/
      : /listening on http:\/\/127\.0\.0\.1:(\d+)/;
  const match = await waitFor(launched, 'stderr', ready);
  const port = Number(match[1]);
  return {
    name: 'webstream',
    pid: child.pid as number,
    pids: () => withChildren(child.pid as number),
    port,
    streamPath: '/stream',
    publish: { port, path: '/api/push', contentType: 'application/json', body: jsonBody },
    // SIGINT: webstream's own shutdown, then process.exit, which writes a --cpu-prof profile.
    stop: stopper(child, 'SIGINT', () => rmSync(dir, { recursive: true, force: true })),
  };
}

async function startNodeScript(name: 'node:http' | 'better-sse', o: StartOptions): Promise<RunningServer> {
  const script = here(name === 'node:http' ? './rawServer.ts' : './betterSseServer.ts');
  const launched = launch(o.core, process.execPath, ['--import', 'tsx', script]);
  const { child } = launched;
  const match = await waitFor(launched, 'stdout', /\{"port":(\d+)\}/);
  const port = Number(match[1]);
  return {
    name,
    pid: child.pid as number,
    port,
    streamPath: '/stream',
    publish: { port, path: '/api/push', contentType: 'application/json', body: jsonBody },
    stop: stopper(child, 'SIGTERM'),
  };
}

/** A free TCP port on 127.0.0.1 (nginx needs a fixed one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startNchan(o: StartOptions): Promise<RunningServer> {
  const check = checkNchan();
  if (!check.ok) throw new Error(check.why);
  const dir = mkdtempSync(join(tmpdir(), 'nchan-bench-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nchanConfig({ dir, port, module: check.module, connections: o.connections }));
  const { child } = launch(o.core, 'nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // nginx says nothing when it is up: poll the port, bounded.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i === 200) {
      const log = readFileSync(join(dir, 'error.log'), { encoding: 'utf8', flag: 'a+' }).slice(-2000);
      child.kill('SIGKILL');
      cleanup();
      throw new Error(`nginx did not come up on ${port}: ${log}`);
    }
    if (await accepting(port)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    name: 'nchan',
    pid: child.pid as number,
    port,
    streamPath: '/stream',
    publish: { port, path: '/pub', contentType: 'text/plain', body: (m) => m },
    // With master_process off nginx crashes on SIGTERM in nchan's cleanup; its state is all in memory.
    stop: stopper(child, 'SIGKILL', cleanup),
  };
}

/** Starts the named server and resolves once it listens. */
export function startServer(name: ServerName, options: StartOptions): Promise<RunningServer> {
  if (name === 'webstream') return startWebstream(options);
  if (name === 'nchan') return startNchan(options);
  return startNodeScript(name, options);
}
