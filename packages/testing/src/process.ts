import {
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  type SpawnOptionsWithoutStdio,
  spawn,
} from 'node:child_process';
import { withTimeout } from './wait.js';

/** Most characters of each output stream a {@link ReadyProcess} keeps (the newest). */
export const OUTPUT_LIMIT_CHARS = 1024 * 1024;

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Resolves with how `child` ended (at once if it already has), or rejects after `ms` naming
 * `what` (default: the command).
 */
export function exited(
  child: ChildProcess,
  ms: number,
  what = `${child.spawnfile} (pid ${child.pid}) to exit`,
): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return withTimeout(exit, ms, what);
}

/** Whether a process with this id exists (signal 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link spawnReady}. */
export interface SpawnReadyOptions extends SpawnOptionsWithoutStdio {
  /** The line that says the process is ready; its match is returned (e.g. `/listening on (http:\/\/\S+)/`). */
  ready: RegExp;
  /** The stream `ready` is looked for on. Default `stderr` (where servers log). */
  stream?: 'stdout' | 'stderr';
  /** Bound on becoming ready, in milliseconds (node and a bundle take seconds on a busy machine). Default 15000. */
  timeoutMs?: number;
}

/** A process that printed its ready line; stopped by `await using`. */
export interface ReadyProcess extends AsyncDisposable {
  child: ChildProcessWithoutNullStreams;
  /** The match of the ready line. */
  match: RegExpExecArray;
  /** Its stdout so far (the newest {@link OUTPUT_LIMIT_CHARS}). */
  stdout(): string;
  /** Its stderr so far (the newest {@link OUTPUT_LIMIT_CHARS}). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM), waits up to `ms` (default 10000) for the exit, then SIGKILLs; how it ended. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<Exit>;
}

/**
 * Spawns `command` with piped stdio and resolves once `ready` matches its output. Rejects, with
 * the output, if it exits first or is not ready within `timeoutMs` (then it is killed).
 */
export async function spawnReady(command: string, args: string[], options: SpawnReadyOptions): Promise<ReadyProcess> {
  const { ready, stream = 'stderr', timeoutMs = 15_000, ...spawnOptions } = options;
  const child = spawn(command, args, spawnOptions);
  const out = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr'] as const)
    child[name].on('data', (chunk: Buffer) => {
      out[name] = (out[name] + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS);
    });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', ms = 10_000): Promise<Exit> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited(child, 0);
    child.kill(signal);
    try {
      return await exited(child, ms);
    } catch {
      child.kill('SIGKILL');
      return exited(child, 5000, `${command} to die on SIGKILL`);
    }
  };
  const becameReady = new Promise<RegExpExecArray>((resolve, reject) => {
    const look = () => {
      const match = ready.exec(out[stream]);
      if (match) resolve(match);
    };
    child[stream].on('data', look);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${command} exited (${signal ?? code}) before printing ${ready}:\n${out.stderr}${out.stdout}`)),
    );
  });
  try {
    const match = await withTimeout(
      becameReady,
      timeoutMs,
      () => `${ready} from ${command}; output:\n${out.stderr}${out.stdout}`,
    );
    return {
      child,
      match,
      stdout: () => out.stdout,
      stderr: () => out.stderr,
      stop,
      [Symbol.asyncDispose]: async () => {
        await stop();
      },
    };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}
