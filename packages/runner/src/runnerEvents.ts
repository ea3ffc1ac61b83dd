import type { ErrorDetected, LogEntry, ProcessError, ProcessExited, ProcessStarted } from '@ws/events';
import type { StoredLog } from './logStore.js';

/** A problem with the project folder, e.g. `no package.json in /x; start webstream with --cwd <your project>`. */
export interface RunnerWarning {
  message: string;
  /** The project folder (absolute). */
  cwd: string;
}

/** Everything the manager reports, in order, per process: event name to payload. */
export interface RunnerEvents {
  /** The process was spawned (`notifications/process/started` params). */
  started: ProcessStarted;
  /** The process ended, or could not start (`notifications/process/exited` params). */
  exited: ProcessExited;
  /**
   * One line of output (`notifications/logs/new` params, raw ANSI kept). Listeners get the stored
   * line as a second argument: its `plain` text (ANSI stripped), `level` and `time`.
   */
  log: LogEntry;
  /** An error found in the output (`notifications/error/detected` params), with the full record as `detail`. */
  error: ErrorDetected & { detail: ProcessError };
  /** A URL a process printed for the first time (its dev server's address). */
  url: { processId: string; processName: string; url: string };
  /** The package.json scripts after a change of the scripts or of the folder's problem. */
  scripts: Record<string, string>;
  /**
   * A problem with the project folder (no package.json, not valid JSON, no scripts), once per new
   * problem; one present at creation is emitted on the next microtask, so listeners added right
   * after `createProcessManager` get it.
   */
  warning: RunnerWarning;
}

/** A listener of `event`; `log` listeners also get the line as stored ({@link StoredLog}). */
export type RunnerListener<K extends keyof RunnerEvents> = [K] extends ['log']
  ? (entry: LogEntry, line: StoredLog) => void
  : (payload: RunnerEvents[K]) => void;

/** The listener signature of every event, for the emitter. */
export type RunnerListeners = { [K in keyof RunnerEvents]: RunnerListener<K> };
