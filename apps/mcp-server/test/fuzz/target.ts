import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { startTestServer } from '../helpers.js';
import type { Collector } from './collector.js';
import { HANG_MS } from './rawHttp.js';

/** The fixture project: its `crash` script exits at once; `long` runs forever and is never started by the fuzzer. */
export const FIXTURE_CWD = fileURLToPath(new URL('../fixtures/project', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Most server log lines kept (the newest). */
const MAX_LOG_LINES = 2000;
/** Fuzz cases must reach the code behind the rate limiter, so publishing is not limited here. */
const UNLIMITED = ['--rate-limit', '1000000', '--rate-burst', '1000000'];

/** A server under fuzz: its address (which changes if it is restarted after a crash), health and log. */
export interface FuzzTarget extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** The server's process id (undefined in process). */
  readonly pid: number | undefined;
  /** Whether the process is alive (always true in process). */
  alive(): boolean;
  /** How the process ended, if it did. */
  exitReason(): string | undefined;
  /** Resolves true once the process has exited, or false after `ms`. */
  whenExited(ms: number): Promise<boolean>;
  /** Restarts a dead process so the campaign can go on; false if it was alive. */
  revive(): Promise<boolean>;
  /** Index of the next log line, to read what one request logged with {@link logsSince}. */
  logMark(): number;
  logsSince(mark: number): string[];
  /** Waits (at most `ms`) until a line matching `re` is logged after `mark`; the lines since `mark`. */
  awaitLog(mark: number, re: RegExp, ms: number): Promise<string[]>;
  /** Alive and answering `GET /health` with 200 within the hang bound, or why not. */
  healthy(): Promise<string | undefined>;
  close(): Promise<void>;
}

async function health(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HANG_MS) });
    await res.text();
    return res.status === 200 ? undefined : `/health answered ${res.status}`;
  } catch (error) {
    return `/health did not answer: ${(error as Error).message}`;
  }
}

function launch(args: string[], lines: string[], counter: { n: number }, onLine: () => void) {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--log-level', 'info', ...UNLIMITED, ...args], {
    cwd: FIXTURE_CWD,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, WEBSTREAM_TOKEN: undefined, WEBSTREAM_REDIS_URL: undefined },
  });
  let carry = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webstream did not start in 10 s:\n${lines.join('\n')}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      carry += d.toString('utf8');
      const parts = carry.split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        counter.n++;
        if (lines.length > MAX_LOG_LINES) lines.shift();
        onLine();
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`webstream exited (${code ?? signal}) before listening:\n${lines.join('\n')}`));
    });
  });
  return { child, url };
}

/**
 * Spawns the built binary (`dist/cli.js --port 0`) on the fixture project, with `args` added, so a
 * crash is a dead process rather than a dead test worker. Rate limits are lifted.
 */
export async function spawnTarget(args: string[] = []): Promise<FuzzTarget> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "pnpm --filter @ws/mcp-server build" first`);
  const lines: string[] = [];
  // Counts every line ever logged; `lines` keeps the newest MAX_LOG_LINES of them.
  const counter = { n: 0 };
  let child: ChildProcess;
  let url: string;
  let exit: string | undefined;
  const lineWaiters = new Set<() => void>();
  const start = async () => {
    const launched = launch(args, lines, counter, () => {
      for (const w of lineWaiters) w();
    });
    child = launched.child;
    exit = undefined;
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
    });
    url = await launched.url;
  };
  await start();
  const alive = () => exit === undefined;
  const logsSince = (mark: number) => lines.slice(Math.max(0, lines.length - (counter.n - mark)));
  const close = async () => {
    if (!alive()) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  return {
    get url() {
      return url;
    },
    get port() {
      return Number(new URL(url).port);
    },
    get pid() {
      return child.pid;
    },
    alive,
    exitReason: () => exit,
    whenExited: (ms) =>
      alive()
        ? new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve(true);
            });
          })
        : Promise.resolve(true),
    async revive() {
      if (alive()) return false;
      lines.push(`--- restarted after: ${exit} ---`);
      await start();
      return true;
    },
    logMark: () => counter.n,
    logsSince,
    awaitLog: (mark, re, ms) =>
      new Promise((resolve) => {
        const check = () => {
          if (!logsSince(mark).some((l) => re.test(l))) return;
          finish();
        };
        const finish = () => {
          clearTimeout(timer);
          lineWaiters.delete(check);
          resolve(logsSince(mark));
        };
        const timer = setTimeout(finish, ms);
        lineWaiters.add(check);
        check();
      }),
    healthy: async () => (alive() ? health(url) : `process ${exit}`),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The same server in this process (`startTestServer`): for the SDK client tests. Logs are silent. */
export async function inProcessTarget(overrides: ConfigInput = {}): Promise<FuzzTarget> {
  const running = await startTestServer({ cwd: FIXTURE_CWD, rateLimit: 1_000_000, rateBurst: 1_000_000, ...overrides });
  return {
    url: running.url,
    port: running.port,
    pid: undefined,
    alive: () => true,
    exitReason: () => undefined,
    whenExited: async () => false,
    revive: async () => false,
    logMark: () => 0,
    logsSince: () => [],
    awaitLog: async () => [],
    healthy: () => health(running.url),
    close: () => running.close(),
    [Symbol.asyncDispose]: () => running.close(),
  };
}

/** After a fuzz file: the server must still be alive and answer /health; closes it and prints the counts. */
export async function finishTarget(target: FuzzTarget | undefined, c: Collector): Promise<void> {
  const problem = target ? await target.healthy() : undefined;
  await target?.close();
  c.flush();
  console.log(c.summary());
  expect(problem, 'the server must still be alive and answer /health').toBeUndefined();
}
