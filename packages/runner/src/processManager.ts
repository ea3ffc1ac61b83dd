import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { ErrorDetected, LogEntry, ProcessError, ProcessExited, ProcessInfo, ProcessStarted } from '@ws/events';
import stripAnsi from 'strip-ansi';
import { ErrorDetector, type StructuredError } from './errorDetector.js';
import { RunnerError } from './errors.js';
import { LineSplitter } from './lineSplitter.js';
import { type LogLevel, LogStore, type StoredLog } from './logStore.js';
import { detectPackageManager, type PackageManager, runScriptArgs } from './packageManager.js';
import { type ScriptCatalog, watchScripts } from './scripts.js';
import { detectUrls } from './urlDetector.js';

/** Default time between SIGTERM and SIGKILL when stopping a process. */
export const DEFAULT_STOP_GRACE_MS = 5000;
/** Idle time after which a multi-line error being collected is reported. */
const ERROR_IDLE_FLUSH_MS = 50;
/** Exited processes remembered for status queries. */
const MAX_EXITED = 200;

export type { ProcessError, ProcessInfo };

/** Everything the manager reports, in order, per process. */
export interface RunnerEvents {
  started: ProcessStarted;
  exited: ProcessExited;
  log: LogEntry;
  error: ErrorDetected & { detail: ProcessError };
  url: { processId: string; processName: string; url: string };
  scripts: Record<string, string>;
}

type Listener<K extends keyof RunnerEvents> = (payload: RunnerEvents[K]) => void;

/** Options of {@link createProcessManager}. */
export interface ProcessManagerOptions {
  /** The project directory (its package.json scripts, and the working directory of processes). */
  cwd: string;
  /** Lines kept. Default 10,000. */
  logCapacity?: number;
  /** Longest line kept, in characters. Default 16 KiB. */
  maxLineLength?: number;
  /** Between SIGTERM and SIGKILL. Default {@link DEFAULT_STOP_GRACE_MS}. */
  stopGraceMs?: number;
  /** Errors remembered for `errors()`. Default 500. */
  errorCapacity?: number;
  /** Overrides package-manager detection. */
  packageManager?: PackageManager;
  /** Extra environment for every process. */
  env?: Record<string, string>;
}

interface Managed {
  info: ProcessInfo;
  child: ChildProcess;
  started: number;
  detector: ErrorDetector;
  idle: ReturnType<typeof setTimeout> | undefined;
  exited: Promise<ProcessInfo>;
  killTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending SIGKILL fires (epoch ms); `Infinity` when none is pending. */
  killAt: number;
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

/** The dev-process supervisor. */
export interface ProcessManager {
  readonly logs: LogStore;
  /** The project directory (absolute): its scripts, and the working directory of processes. */
  readonly cwd: string;
  readonly packageManager: PackageManager;
  scripts(): Record<string, string>;
  /** Runs a package.json script (always a new process). Throws `unknown_script` naming the known ones. */
  runScript(name: string): ProcessInfo;
  /**
   * Runs a package.json script unless a process of it is already running (status `running`; the
   * newest such one is returned). `restart` is the way to get a fresh process. Throws like `runScript`.
   */
  ensureRunning(name: string): EnsureRunningResult;
  /** Runs a shell command. */
  runCommand(command: string, name?: string): ProcessInfo;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when it has exited. */
  stop(id: string, options?: StopOptions): Promise<ProcessInfo>;
  /** Stops (if running) and starts the same script or command again, as a new process. */
  restart(id: string): Promise<ProcessInfo>;
  get(id: string): ProcessInfo | undefined;
  list(options?: { active?: boolean }): ProcessInfo[];
  /** Errors detected, oldest first (bounded). */
  errors(options?: { processId?: string; limit?: number }): ProcessError[];
  on<K extends keyof RunnerEvents>(event: K, listener: Listener<K>): () => void;
  /** Stops every running process (graceful, then forced after `graceMs`); resolves when all have exited. */
  stopAll(options?: StopOptions): Promise<void>;
  /** SIGKILLs every process group still running; synchronous, for `process.on('exit')`. */
  killAllSync(): void;
  close(): Promise<void>;
}

const levelOf = (plain: string, isError: boolean): LogLevel =>
  isError ? 'error' : /\bwarn(?:ing)?\b/i.test(plain) ? 'warn' : 'info';
const PRIORITY: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };
const ERRORISH = /\b(?:error|exception|fatal|failed|uncaught)\b/i;

export function createProcessManager(options: ProcessManagerOptions): ProcessManager {
  const { cwd } = options;
  const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const pm = options.packageManager ?? detectPackageManager(cwd).name;
  const logs = new LogStore(options.logCapacity);
  const errorCapacity = options.errorCapacity ?? 500;
  const errorRing: ProcessError[] = [];
  const catalog: ScriptCatalog = watchScripts(cwd);
  const procs = new Map<string, Managed>();
  const listeners: { [K in keyof RunnerEvents]?: Set<Listener<K>> } = {};
  let logSeq = 0;
  let procSeq = 0;

  const emit = <K extends keyof RunnerEvents>(event: K, payload: RunnerEvents[K]) => {
    for (const l of (listeners[event] ?? []) as Set<Listener<K>>) l(payload);
  };
  catalog.onChange((scripts) => emit('scripts', scripts));

  const snapshot = (m: Managed): ProcessInfo => ({
    ...m.info,
    urls: [...m.info.urls],
    duration: (m.info.endTime ? Date.parse(m.info.endTime) : Date.now()) - m.started,
  });

  function forgetOldExited(): void {
    const exited = [...procs.values()].filter((m) => m.info.status === 'exited' || m.info.status === 'failed');
    for (const m of exited.slice(0, Math.max(exited.length - MAX_EXITED, 0))) procs.delete(m.info.id);
  }

  function start(spec: { name: string; command: string; script: string | null; argv: string[] }): ProcessInfo {
    const id = `${spec.name.replace(/[^\w.-]+/g, '_').slice(0, 40)}-${++procSeq}-${randomBytes(3).toString('hex')}`;
    const [file, ...args] = spec.argv as [string, ...string[]];
    const child = spawn(file, args, {
      cwd,
      // Its own process group, so stop() can signal the script and everything it started, and nothing else.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1', ...options.env },
    });
    const startedAt = Date.now();
    const info: ProcessInfo = {
      id,
      name: spec.name,
      command: spec.command,
      script: spec.script,
      pid: child.pid ?? null,
      status: 'running',
      startTime: new Date(startedAt).toISOString(),
      endTime: null,
      exitCode: null,
      signal: null,
      duration: 0,
      urls: [],
      errorCount: 0,
    };
    let resolveExit!: (p: ProcessInfo) => void;
    const managed: Managed = {
      info,
      child,
      started: startedAt,
      detector: new ErrorDetector((error) => reportError(managed, error), { cwd }),
      idle: undefined,
      exited: new Promise((r) => {
        resolveExit = r;
      }),
      killTimer: undefined,
      killAt: Number.POSITIVE_INFINITY,
    };
    procs.set(id, managed);
    forgetOldExited();

    const onLine = (stream: 'stdout' | 'stderr') => (content: string) => {
      const plain = stripAnsi(content);
      const time = Date.now();
      const wasPending = managed.detector.pending;
      const errorsBefore = info.errorCount;
      managed.detector.push(plain);
      const isError =
        info.errorCount > errorsBefore ||
        managed.detector.pending ||
        wasPending ||
        (stream === 'stderr' && ERRORISH.test(plain));
      const level = levelOf(plain, isError);
      const entry: StoredLog = {
        id: `log-${++logSeq}`,
        processId: id,
        processName: spec.name,
        content,
        timestamp: new Date(time).toISOString(),
        isError,
        tags: stream === 'stderr' ? ['stderr'] : [],
        priority: PRIORITY[level],
        plain,
        level,
        time,
      };
      logs.append(entry);
      const { plain: _p, level: _l, time: _t, ...payload } = entry;
      emit('log', payload);
      for (const url of detectUrls(plain)) {
        if (info.urls.includes(url) || info.urls.length >= 20) continue;
        info.urls.push(url);
        emit('url', { processId: id, processName: spec.name, url });
      }
      if (managed.idle) clearTimeout(managed.idle);
      if (managed.detector.pending) {
        managed.idle = setTimeout(() => managed.detector.flush(), ERROR_IDLE_FLUSH_MS);
        managed.idle.unref();
      }
    };
    const out = new LineSplitter(onLine('stdout'), options.maxLineLength);
    const err = new LineSplitter(onLine('stderr'), options.maxLineLength);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));

    child.once('spawn', () => {
      emit('started', {
        processId: id,
        processName: spec.name,
        command: spec.command,
        pid: child.pid ?? 0,
        startTime: info.startTime,
      });
    });
    let finished = false;
    const finish = (exitCode: number | null, signal: string | null, failure?: Error) => {
      if (finished) return;
      finished = true;
      out.end();
      err.end();
      if (managed.idle) clearTimeout(managed.idle);
      managed.detector.flush();
      if (managed.killTimer) clearTimeout(managed.killTimer);
      // The script is gone; reap anything it left in its group.
      if (child.pid) killGroup(child.pid, 'SIGKILL');
      info.status = failure ? 'failed' : 'exited';
      info.endTime = new Date().toISOString();
      info.exitCode = exitCode;
      info.signal = signal;
      if (failure) onLine('stderr')(`webstream: could not start ${spec.command}: ${failure.message}`);
      const duration = Date.parse(info.endTime) - startedAt;
      emit('exited', { processId: id, processName: spec.name, exitCode, signal, duration });
      resolveExit(snapshot(managed));
    };
    child.once('close', (code, signal) => finish(code, signal));
    child.once('error', (error) => finish(null, null, error));
    return snapshot(managed);
  }

  function reportError(m: Managed, error: StructuredError): void {
    m.info.errorCount++;
    const detail: ProcessError = {
      ...error,
      processId: m.info.id,
      processName: m.info.name,
      timestamp: new Date().toISOString(),
    };
    errorRing.push(detail);
    if (errorRing.length > errorCapacity) errorRing.shift();
    const { message, file, line, column, stack } = error;
    emit('error', { processId: m.info.id, error: { message, file, line, column, stack }, detail });
  }

  function killGroup(pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // ESRCH: the group is empty already.
    }
  }

  function find(id: string): Managed {
    const m = procs.get(id);
    if (!m)
      throw new RunnerError('unknown_process', `no process "${id}" (known: ${[...procs.keys()].join(', ') || 'none'})`);
    return m;
  }

  const manager: ProcessManager = {
    logs,
    cwd: resolve(cwd),
    packageManager: pm,
    scripts: () => catalog.current(),
    runScript(name) {
      const scripts = catalog.current();
      if (!(name in scripts)) {
        throw new RunnerError(
          'unknown_script',
          `no script "${name}" in ${cwd}/package.json (available: ${Object.keys(scripts).join(', ') || 'none'})`,
        );
      }
      const argv = runScriptArgs(pm, name);
      return start({ name, command: argv.join(' '), script: name, argv });
    },
    ensureRunning(name) {
      const running = [...procs.values()].filter((m) => m.info.script === name && m.info.status === 'running').at(-1);
      return running
        ? { process: snapshot(running), alreadyRunning: true }
        : { process: manager.runScript(name), alreadyRunning: false };
    },
    runCommand(command, name) {
      if (command.trim() === '') throw new RunnerError('invalid_argument', 'command must not be empty');
      return start({
        name: name ?? command.split(/\s+/)[0] ?? 'command',
        command,
        script: null,
        argv: ['/bin/sh', '-c', command],
      });
    },
    async stop(id, { graceMs = grace } = {}) {
      const m = find(id);
      if (m.info.status !== 'running' && m.info.status !== 'stopping') return snapshot(m);
      const pid = m.child.pid;
      if (m.info.status === 'running') {
        m.info.status = 'stopping';
        if (pid) killGroup(pid, 'SIGTERM');
      }
      const killAt = Date.now() + graceMs;
      if (pid && killAt < m.killAt) {
        if (m.killTimer) clearTimeout(m.killTimer);
        m.killAt = killAt;
        m.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        m.killTimer.unref();
      }
      return m.exited;
    },
    async restart(id) {
      const m = find(id);
      await manager.stop(id);
      return m.info.script !== null
        ? manager.runScript(m.info.script)
        : manager.runCommand(m.info.command, m.info.name);
    },
    get: (id) => {
      const m = procs.get(id);
      return m && snapshot(m);
    },
    list({ active } = {}) {
      const all = [...procs.values()].map(snapshot);
      return active ? all.filter((p) => p.status === 'running' || p.status === 'stopping') : all;
    },
    errors({ processId, limit = 50 } = {}) {
      const matching = processId === undefined ? errorRing : errorRing.filter((e) => e.processId === processId);
      return matching.slice(-limit);
    },
    on(event, listener) {
      let set = listeners[event] as Set<typeof listener> | undefined;
      if (!set) {
        set = new Set();
        (listeners as Record<string, unknown>)[event] = set;
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    async stopAll(options) {
      await Promise.all(
        [...procs.values()]
          .filter((m) => m.info.status === 'running' || m.info.status === 'stopping')
          .map((m) => manager.stop(m.info.id, options)),
      );
    },
    killAllSync() {
      for (const m of procs.values())
        if (m.child.pid && (m.info.status === 'running' || m.info.status === 'stopping'))
          killGroup(m.child.pid, 'SIGKILL');
    },
    async close() {
      catalog.close();
      await manager.stopAll();
    },
  };
  return manager;
}
