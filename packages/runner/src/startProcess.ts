import { randomBytes } from 'node:crypto';
import type { ProcessError, ProcessInfo } from '@ws/events';
import type { Emitter } from './emitter.js';
import type { StructuredError } from './errorDetector.js';
import type { ErrorLog } from './errorLog.js';
import { type LaunchExit, launch } from './launcher.js';
import type { LogStore } from './logStore.js';
import { createProcessOutput, type ProcessOutput } from './processOutput.js';
import type { Managed, ProcessRegistry } from './processRegistry.js';
import { snapshot } from './processRegistry.js';
import type { RunnerListeners } from './runnerEvents.js';
import { cancelKill } from './stopping.js';

/** What to run: a package.json script (`script` set) or a shell command. */
export interface ProcessSpec {
  name: string;
  /** As shown: `pnpm run dev`, or the shell command. */
  command: string;
  script: string | null;
  argv: [file: string, ...args: string[]];
}

/** The manager's parts a process reports to. */
export interface ProcessContext {
  cwd: string;
  env: Record<string, string>;
  maxLineLength: number | undefined;
  registry: ProcessRegistry;
  logs: LogStore;
  errors: ErrorLog;
  emitter: Emitter<RunnerListeners>;
  /** Unique per manager: the n-th process, the n-th log line. */
  nextSeq(kind: 'process' | 'log'): number;
}

const newId = (name: string, seq: number) =>
  `${name.replace(/[^\w.-]+/g, '_').slice(0, 40)}-${seq}-${randomBytes(3).toString('hex')}`;

function initialInfo(id: string, spec: ProcessSpec, pid: number | null, startedAt: number): ProcessInfo {
  return {
    id,
    name: spec.name,
    command: spec.command,
    script: spec.script,
    pid,
    status: 'running',
    startTime: new Date(startedAt).toISOString(),
    endTime: null,
    exitCode: null,
    signal: null,
    duration: 0,
    urls: [],
    errorCount: 0,
  };
}

function reportError(ctx: ProcessContext, m: Managed, error: StructuredError): void {
  m.info.errorCount++;
  const { id: processId, name: processName } = m.info;
  const detail: ProcessError = { ...error, processId, processName, timestamp: new Date().toISOString() };
  ctx.errors.add(detail);
  const { message, file, line, column, stack } = error;
  ctx.emitter.emit('error', { processId, error: { message, file, line, column, stack }, detail });
}

function outputOf(ctx: ProcessContext, m: Managed): ProcessOutput {
  const { id: processId, name: processName } = m.info;
  return createProcessOutput({
    processId,
    processName,
    cwd: ctx.cwd,
    urls: m.info.urls,
    nextLogId: () => `log-${ctx.nextSeq('log')}`,
    log(line) {
      ctx.logs.append(line);
      const { plain: _p, level: _l, time: _t, ...entry } = line;
      ctx.emitter.emit('log', entry, line);
    },
    error: (error) => reportError(ctx, m, error),
    url: (url) => ctx.emitter.emit('url', { processId, processName, url }),
  });
}

function onExit(ctx: ProcessContext, m: Managed, output: ProcessOutput, exit: LaunchExit): ProcessInfo {
  output.flush();
  cancelKill(m);
  const { info } = m;
  info.status = exit.failure ? 'failed' : 'exited';
  info.endTime = new Date().toISOString();
  info.exitCode = exit.exitCode;
  info.signal = exit.signal;
  if (exit.failure) output.line('stderr', `webstream: could not start ${info.command}: ${exit.failure.message}`);
  const duration = Date.parse(info.endTime) - m.started;
  ctx.emitter.emit('exited', {
    processId: info.id,
    processName: info.name,
    exitCode: exit.exitCode,
    signal: exit.signal,
    duration,
  });
  return snapshot(m);
}

/**
 * Starts `spec` as a new supervised process: launched in its own process group, registered, its
 * output analysed into logs, errors and URLs, `started` and `exited` emitted. Returns its snapshot.
 */
export function startProcess(ctx: ProcessContext, spec: ProcessSpec): ProcessInfo {
  const id = newId(spec.name, ctx.nextSeq('process'));
  let resolveExit!: (info: ProcessInfo) => void;
  const startedAt = Date.now();
  const m: Managed = {
    info: initialInfo(id, spec, null, startedAt),
    started: startedAt,
    exited: new Promise((resolve) => {
      resolveExit = resolve;
    }),
    killTimer: undefined,
    killAt: Number.POSITIVE_INFINITY,
  };
  const output = outputOf(ctx, m);
  const child = launch(
    { argv: spec.argv, cwd: ctx.cwd, env: ctx.env, maxLineLength: ctx.maxLineLength },
    {
      spawned: (pid) =>
        ctx.emitter.emit('started', {
          processId: id,
          processName: spec.name,
          command: spec.command,
          pid,
          startTime: m.info.startTime,
        }),
      line: (stream, content) => output.line(stream, content),
      exited: (exit) => resolveExit(onExit(ctx, m, output, exit)),
    },
  );
  m.info.pid = child.pid ?? null;
  ctx.registry.add(m);
  return snapshot(m);
}
