import type { LoggingLevel, McpServer } from '@modelcontextprotocol/server';
import type { LogEntry, ProcessInfo } from '@ws/events';
import { z } from 'zod';
import type { DevApi, DevApiListener, RunResult } from '../api/webstreamApi.js';
import { lineStreamer, type ToolContext, toolContext, waitFor } from './lineStreamer.js';
import type { ScriptTasks } from './scriptTasks.js';
import { runScriptAsTask, wantsTasks } from './scriptTaskTools.js';
import { fail, fromOutcome, ok, READ_ONLY } from './toolResult.js';

/** Longest a tool may keep its request stream open (scripts_run, logs_stream). */
export const MAX_TOOL_WAIT_MS = 300_000;
/** How long scripts_run waits for the script to exit by default. */
export const DEFAULT_RUN_WAIT_MS = 15_000;
/** Detected errors a scripts_run summary carries. */
const SUMMARY_ERRORS = 20;

/** The session's `logging/setLevel` level, read when a line is streamed. */
export type SessionLevel = () => LoggingLevel | undefined;

/** `scripts_list`, `scripts_run`, `scripts_stop`, `scripts_restart`, `scripts_status`. */
export function registerScriptTools(server: McpServer, dev: DevApi, level: SessionLevel, tasks?: ScriptTasks): void {
  server.registerTool(
    'scripts_list',
    {
      title: 'List package.json scripts',
      description: "The project's package.json scripts, its folder and its package manager.",
      inputSchema: z.object({}),
      annotations: READ_ONLY,
    },
    async () =>
      fromOutcome(await dev.scripts(), (info) => ({
        structured: {
          packageManager: info.packageManager,
          cwd: info.cwd,
          scripts: Object.entries(info.scripts).map(([name, command]) => ({ name, command })),
          ...(info.problem ? { problem: info.problem } : {}),
        },
      })),
  );
  registerRunTool(server, dev, level, tasks);
  registerProcessAction(
    server,
    dev,
    'scripts_stop',
    'Stop a process',
    'SIGTERM to the process group it started, SIGKILL after a grace period.',
  );
  registerProcessAction(
    server,
    dev,
    'scripts_restart',
    'Restart a process',
    'Stops it if running and starts the same script again (a new processId).',
  );
  server.registerTool(
    'scripts_status',
    {
      title: 'Process status',
      description: 'Status, exit code, signal, duration and URLs of one process, or of all the server started.',
      inputSchema: z.object({ processId: z.string().min(1).optional() }),
      annotations: READ_ONLY,
    },
    async ({ processId }) =>
      processId === undefined
        ? fromOutcome(await dev.processes(), (processes) => ({ structured: { processes } }))
        : fromOutcome(await dev.process(processId), (process) => ({ structured: { process } })),
  );
}

function registerProcessAction(
  server: McpServer,
  dev: DevApi,
  name: 'scripts_stop' | 'scripts_restart',
  title: string,
  description: string,
): void {
  const act = name === 'scripts_stop' ? dev.stop : dev.restart;
  server.registerTool(
    name,
    { title, description, inputSchema: z.object({ processId: z.string().min(1) }) },
    async ({ processId }) => fromOutcome(await act.call(dev, processId), (process) => ({ structured: { process } })),
  );
}

function registerRunTool(server: McpServer, dev: DevApi, level: SessionLevel, tasks?: ScriptTasks): void {
  server.registerTool(
    'scripts_run',
    {
      title: 'Run a package.json script',
      description:
        'Starts a script; its output reaches the session once per line (notifications/logs/new, or notifications/message after logging/setLevel; on 2026-07-28, resource updates of logs://recent on subscriptions/listen), and as progress notifications on this request if you pass a progressToken. Read it later with logs_read. Returns when it exits, or after waitMs with a still-running handle. If the script is already running, returns that process at once (alreadyRunning: true); scripts_restart starts a new one.',
      inputSchema: z.object({
        name: z.string().min(1).describe('Script name from scripts_list'),
        waitMs: z
          .number()
          .int()
          .min(0)
          .max(MAX_TOOL_WAIT_MS)
          .optional()
          .describe(`How long to wait for it to exit (default ${DEFAULT_RUN_WAIT_MS})`),
      }),
    },
    async ({ name, waitMs = DEFAULT_RUN_WAIT_MS }, ctx) =>
      tasks && wantsTasks(ctx)
        ? runScriptAsTask(dev, tasks, name)
        : runScript(dev, name, waitMs, toolContext(ctx), level),
  );
}

/**
 * Follows one process's events: its lines go to `send`, its exit is noted. Events that arrive before
 * the process id is known (the run call is still answering) are held and replayed by {@link follow}.
 */
export function processFollower(send: (line: LogEntry) => void) {
  const held: { processId: string; line?: LogEntry; exited?: true }[] = [];
  let id: string | undefined;
  let exited = false;
  let onExit: (() => void) | undefined;
  const listener: DevApiListener = {
    event(e) {
      if (e.method === 'notifications/logs/new') {
        if (id === undefined) held.push({ processId: e.params.processId, line: e.params });
        else if (e.params.processId === id) send(e.params);
      } else if (e.method === 'notifications/process/exited') {
        if (id === undefined) held.push({ processId: e.params.processId, exited: true });
        else if (e.params.processId === id) {
          exited = true;
          onExit?.();
        }
      }
    },
    resourceChanged: () => undefined,
  };
  return {
    listener,
    /** From now on, events of `processId` only; the held ones are replayed in order. */
    follow(processId: string) {
      id = processId;
      for (const h of held.splice(0)) {
        if (h.processId !== id) continue;
        if (h.line) send(h.line);
        if (h.exited) exited = true;
      }
    },
    /** Calls `done` once the process has exited (at once if it has). */
    whenExited(done: () => void) {
      onExit = done;
      if (exited) done();
      return () => {
        onExit = undefined;
      };
    },
  };
}

async function runScript(dev: DevApi, name: string, waitMs: number, context: ToolContext, level: SessionLevel) {
  const follower = processFollower(lineStreamer(context, level));
  // Listen before starting, so no early line is missed.
  const stopListening = dev.listen(follower.listener);
  try {
    const run = await dev.run(name);
    if (!run.ok) return fail(run.message);
    const { process } = run.value;
    if (run.value.alreadyRunning) return summarize(dev, name, run.value, true, true);
    follower.follow(process.id);
    const exited = await waitFor(context, waitMs, (done) => follower.whenExited(done));
    return summarize(dev, name, run.value, !exited, false);
  } finally {
    stopListening();
  }
}

export async function summarize(dev: DevApi, name: string, run: RunResult, running: boolean, alreadyRunning: boolean) {
  const id = run.process.id;
  const latest = await dev.process(id);
  const now: ProcessInfo = latest.ok ? latest.value : run.process;
  const found = await dev.errors({ processId: id, limit: SUMMARY_ERRORS });
  const errors = found.ok
    ? found.value.map(({ message, type, file, line, column }) => ({ message, type, file, line, column }))
    : [];
  const summary = { process: now, running, alreadyRunning, errors };
  const text = alreadyRunning
    ? `${name} is already running as ${id} (pid ${now.pid}); returned that process instead of starting another. scripts_restart starts a new one, scripts_stop stops it.`
    : running
      ? `${name} is still running as ${id} (pid ${now.pid}); stop it with scripts_stop.`
      : `${name} exited with ${now.signal ? `signal ${now.signal}` : `code ${now.exitCode}`} after ${now.duration} ms; ${errors.length} error(s) detected.`;
  return ok(summary, `${text}\n${JSON.stringify(summary)}`);
}
