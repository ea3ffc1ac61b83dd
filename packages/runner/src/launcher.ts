import { type ChildProcess, spawn } from 'node:child_process';
import { LineSplitter } from './lineSplitter.js';

/** Which stream a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** What to start, where. */
export interface LaunchSpec {
  argv: [file: string, ...args: string[]];
  cwd: string;
  /** The whole environment of the process (see `childEnv`). */
  env: Record<string, string>;
  /** Longest line kept, in characters. Default: {@link LineSplitter}'s. */
  maxLineLength?: number | undefined;
}

/** How a launched process ended. `failure` is set when it could not start at all. */
export interface LaunchExit {
  exitCode: number | null;
  signal: string | null;
  failure?: Error;
}

/** Callbacks of {@link launch}, each called in order: `spawned` once, `line` per line, `exited` once, last. */
export interface LaunchHandlers {
  spawned(pid: number): void;
  line(stream: OutputStream, content: string): void;
  exited(exit: LaunchExit): void;
}

/** Sends `signal` to the process group `pid` leads; `false` when the group is empty already. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty already.
  }
}

/**
 * Spawns `spec.argv` in its own process group (so stopping it signals the script and everything it
 * started, and nothing else), splits stdout and stderr into lines, and when it has ended flushes
 * the last lines, SIGKILLs whatever it left in its group, and reports the exit.
 */
export function launch(spec: LaunchSpec, handlers: LaunchHandlers): ChildProcess {
  const [file, ...args] = spec.argv;
  const child = spawn(file, args, { cwd: spec.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env });
  const out = new LineSplitter((line) => handlers.line('stdout', line), spec.maxLineLength);
  const err = new LineSplitter((line) => handlers.line('stderr', line), spec.maxLineLength);
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  child.once('spawn', () => handlers.spawned(child.pid ?? 0));
  let finished = false;
  const finish = (exit: LaunchExit) => {
    if (finished) return;
    finished = true;
    out.end();
    err.end();
    // The script is gone; reap anything it left in its group.
    if (child.pid) killGroup(child.pid, 'SIGKILL');
    handlers.exited(exit);
  };
  child.once('close', (exitCode, signal) => finish({ exitCode, signal }));
  child.once('error', (failure) => finish({ exitCode: null, signal: null, failure }));
  return child;
}
