import { resolve } from 'node:path';
import type { ProcessError, ProcessInfo } from '@ws/events';
import { childEnv } from './childEnv.js';
import { createEmitter } from './emitter.js';
import { createErrorLog, DEFAULT_ERROR_CAPACITY } from './errorLog.js';
import { RunnerError } from './errors.js';
import { LogStore } from './logStore.js';
import { detectPackageManager, type PackageManager, runScriptArgs } from './packageManager.js';
import { createProcessRegistry, snapshot } from './processRegistry.js';
import type { RunnerEvents, RunnerListener, RunnerListeners } from './runnerEvents.js';
import { type ScriptCatalog, type Scripts, watchScripts } from './scripts.js';
import { type ProcessContext, type ProcessSpec, startProcess } from './startProcess.js';
import { DEFAULT_STOP_GRACE_MS, killAllNow, stopProcess } from './stopping.js';

export type { ProcessError, ProcessInfo, RunnerEvents };
export { DEFAULT_STOP_GRACE_MS };

/** Options of {@link createProcessManager}. */
export interface ProcessManagerOptions {
  /** The project folder: its package.json scripts, and the working directory of processes. */
  cwd: string;
  /** Log lines kept (a ring: the oldest are dropped). @default 10000 */
  logCapacity?: number | undefined;
  /** Longest line kept, in characters; longer ones are cut and marked. @default 16384 */
  maxLineLength?: number | undefined;
  /** Between SIGTERM and SIGKILL when stopping, in ms. @default 5000 */
  stopGraceMs?: number | undefined;
  /** Detected errors remembered for `errors()` (the oldest are dropped). @default 500 */
  errorCapacity?: number | undefined;
  /** Overrides package-manager detection ({@link detectPackageManager}). */
  packageManager?: PackageManager | undefined;
  /**
   * Extra environment for every process, on top of this process's environment less the package
   * manager's variables (see `PACKAGE_MANAGER_ENV`); kept as given. @default {}
   */
  env?: Record<string, string> | undefined;
  /**
   * Added to a problem about the project folder (no package.json, no scripts), telling the user
   * how to point at the right one, e.g. `start webstream with --cwd <your project>`. @default none
   */
  projectHint?: string | undefined;
}

/** Options of {@link ProcessManager.stop} and {@link ProcessManager.stopAll}. */
export interface StopOptions {
  /**
   * Between SIGTERM and SIGKILL, in ms. Default: the manager's `stopGraceMs`. A process already
   * stopping gets its SIGKILL sooner when this deadline is earlier than the pending one.
   */
  graceMs?: number;
}

/** What {@link ProcessManager.ensureRunning} did. */
export interface EnsureRunningResult {
  /** The script's running process: the one found, or the one just started. */
  process: ProcessInfo;
  /** `true` when a process of the script was already running and nothing was started. */
  alreadyRunning: boolean;
}

/** The project's scripts and how they run, or why there are none. */
export interface ScriptsInfo {
  packageManager: PackageManager;
  /** What decided the package manager (`PackageManagerInfo.source`), or `option` when it was given. */
  packageManagerSource: string;
  /** The project folder (absolute). */
  cwd: string;
  /** Absolute path of its package.json, or `null` when there is none. */
  packageJson: string | null;
  scripts: Scripts;
  /** Why there are no scripts to run, naming the folder (and the `projectHint`). Absent when all is well. */
  problem?: string;
}

/** The dev-process supervisor. */
export interface ProcessManager {
  readonly logs: LogStore;
  /** The project folder (absolute): its scripts, and the working directory of processes. */
  readonly cwd: string;
  readonly packageManager: PackageManager;
  scripts(): Record<string, string>;
  /** The scripts with the package manager, the package.json path and the folder's problem, if any. */
  scriptsInfo(): ScriptsInfo;
  /** Runs a package.json script (always a new process). Throws `unknown_script` naming the known ones. */
  runScript(name: string): ProcessInfo;
  /**
   * Runs a package.json script unless a process of it is already running (status `running`; the
   * newest such one is returned). `restart` is the way to get a fresh process. Throws like `runScript`.
   */
  ensureRunning(name: string): EnsureRunningResult;
  /** Runs a shell command (`/bin/sh -c`). Throws `invalid_argument` when it is empty. */
  runCommand(command: string, name?: string): ProcessInfo;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when it has exited. */
  stop(id: string, options?: StopOptions): Promise<ProcessInfo>;
  /** Stops (if running) and starts the same script or command again, as a new process. */
  restart(id: string): Promise<ProcessInfo>;
  get(id: string): ProcessInfo | undefined;
  list(options?: { active?: boolean }): ProcessInfo[];
  /** Errors detected, oldest first (bounded by `errorCapacity`; `limit` default 50). */
  errors(options?: { processId?: string; limit?: number }): ProcessError[];
  /** Adds a listener of `event` ({@link RunnerEvents}); returns the function that removes it. */
  on<K extends keyof RunnerEvents>(event: K, listener: RunnerListener<K>): () => void;
  /** Stops every running process (graceful, then forced after `graceMs`); resolves when all have exited. */
  stopAll(options?: StopOptions): Promise<void>;
  /** SIGKILLs every process group still running; synchronous, for `process.on('exit')`. */
  killAllSync(): void;
  /** Stops watching package.json and stops every process. */
  close(): Promise<void>;
}

type Parts = ProcessContext & { catalog: ScriptCatalog; pm: PackageManager; pmSource: string; graceMs: number };

function scriptSpec(parts: Parts, name: string): ProcessSpec {
  const scripts = parts.catalog.current();
  if (!(name in scripts)) {
    const { problem } = parts.catalog.state();
    throw new RunnerError(
      'unknown_script',
      `no script "${name}" in ${parts.cwd}/package.json (available: ${Object.keys(scripts).join(', ') || 'none'})${problem ? `: ${problem}` : ''}`,
    );
  }
  const argv = runScriptArgs(parts.pm, name);
  return { name, command: argv.join(' '), script: name, argv };
}

function commandSpec(command: string, name?: string): ProcessSpec {
  if (command.trim() === '') throw new RunnerError('invalid_argument', 'command must not be empty');
  return {
    name: name ?? command.split(/\s+/)[0] ?? 'command',
    command,
    script: null,
    argv: ['/bin/sh', '-c', command],
  };
}

function managerOf(parts: Parts): ProcessManager {
  const { registry, catalog, emitter } = parts;
  const manager: ProcessManager = {
    logs: parts.logs,
    cwd: resolve(parts.cwd),
    packageManager: parts.pm,
    scripts: () => catalog.current(),
    scriptsInfo: () => ({
      packageManager: parts.pm,
      packageManagerSource: parts.pmSource,
      cwd: manager.cwd,
      ...catalog.state(),
    }),
    runScript: (name) => startProcess(parts, scriptSpec(parts, name)),
    ensureRunning(name) {
      const running = registry.runningOf(name);
      return running
        ? { process: snapshot(running), alreadyRunning: true }
        : { process: manager.runScript(name), alreadyRunning: false };
    },
    runCommand: (command, name) => startProcess(parts, commandSpec(command, name)),
    stop: async (id, { graceMs = parts.graceMs } = {}) => stopProcess(registry.find(id), graceMs),
    async restart(id) {
      const { info } = registry.find(id);
      await manager.stop(id);
      return info.script !== null ? manager.runScript(info.script) : manager.runCommand(info.command, info.name);
    },
    get: (id) => {
      const m = registry.get(id);
      return m && snapshot(m);
    },
    list: ({ active } = {}) => (active ? registry.active() : registry.all()).map(snapshot),
    errors: (options) => parts.errors.list(options),
    on: (event, listener) => emitter.on(event, listener as RunnerListeners[typeof event]),
    async stopAll(options) {
      await Promise.all(registry.active().map((m) => manager.stop(m.info.id, options)));
    },
    killAllSync: () => killAllNow(registry.all()),
    async close() {
      catalog.close();
      await manager.stopAll();
    },
  };
  return manager;
}

/**
 * Creates the supervisor of one project's dev processes: it reads and watches the package.json
 * scripts, detects the package manager ({@link detectPackageManager}), runs scripts and commands
 * each in its own process group, keeps their output ({@link LogStore}), and reports starts, exits,
 * lines, detected errors, URLs and folder problems as {@link RunnerEvents}.
 */
export function createProcessManager(options: ProcessManagerOptions): ProcessManager {
  const { cwd } = options;
  const detected = options.packageManager ? undefined : detectPackageManager(cwd);
  const emitter = createEmitter<RunnerListeners>();
  const catalog = watchScripts(cwd, { hint: options.projectHint });
  const seq = { process: 0, log: 0 };
  const parts: Parts = {
    cwd,
    env: childEnv(process.env, options.env),
    maxLineLength: options.maxLineLength,
    registry: createProcessRegistry(),
    logs: new LogStore(options.logCapacity),
    errors: createErrorLog(options.errorCapacity ?? DEFAULT_ERROR_CAPACITY),
    emitter,
    nextSeq: (kind) => ++seq[kind],
    catalog,
    pm: options.packageManager ?? detected?.name ?? 'npm',
    pmSource: detected?.source ?? 'option',
    graceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
  };
  const warn = (message: string) => emitter.emit('warning', { message, cwd: resolve(cwd) });
  catalog.onChange((scripts) => emitter.emit('scripts', scripts));
  catalog.onProblem(warn);
  const initial = catalog.state().problem;
  if (initial !== undefined) queueMicrotask(() => warn(initial));
  return managerOf(parts);
}
