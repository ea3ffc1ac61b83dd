import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolResult,
  ErrorCode,
  type LoggingLevel,
  LoggingLevelSchema,
  type ServerNotification,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { type EnsureRunningResult, type ProcessInfo, RunnerError, type RunnerEvents } from '@ws/runner';
import stripAnsi from 'strip-ansi';
import { z } from 'zod';
import type { DevService } from '../dev/devEvents.js';
import { DEV_RESOURCES, publicLog, registerDevResources, rpcError } from './devProcessResources.js';

/** Longest a tool may keep its request stream open (scripts_run, logs_stream). */
export const MAX_TOOL_WAIT_MS = 300_000;
/** Window in which resource updates for one URI are merged into one notification. */
export const RESOURCE_UPDATE_COALESCE_MS = 250;

/** Options of {@link registerDevTools}. */
export interface DevToolsOptions {
  /** The session's `logging/setLevel` level: streamed log messages below it are not sent. Default: all sent. */
  logLevel?: () => LoggingLevel | undefined;
}

const LevelSchema = z.enum(['error', 'warn', 'info']);
const ok = (structured: Record<string, unknown>, text?: string): CallToolResult => ({
  content: [{ type: 'text', text: text ?? JSON.stringify(structured) }],
  structuredContent: structured,
});
const fail = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });
const failFrom = (error: unknown): CallToolResult => {
  if (error instanceof RunnerError) return fail(error.message);
  throw error;
};

/**
 * The MCP log level of a process's line: error lines `error`, warning lines (runner level `warn`)
 * `warning`, other stderr lines `notice`, other stdout lines `info`.
 */
export function mcpLevelOf(line: RunnerEvents['log']): LoggingLevel {
  if (line.isError || line.priority >= 2) return 'error';
  if (line.priority === 1) return 'warning';
  return line.tags.includes('stderr') ? 'notice' : 'info';
}
const SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

type Extra = {
  sendNotification: (n: ServerNotification) => Promise<void>;
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
};

/**
 * Streams lines to the caller of a tool: progress notifications if it asked for progress, else log
 * messages at the line's level ({@link mcpLevelOf}), skipping those below the session's level.
 */
function streamer(extra: Extra, minLevel: () => LoggingLevel | undefined) {
  let count = 0;
  return (line: RunnerEvents['log']) => {
    count++;
    const token = extra._meta?.progressToken;
    const level = mcpLevelOf(line);
    const min = minLevel();
    if (token === undefined && min !== undefined && (SEVERITY.get(level) ?? 0) < (SEVERITY.get(min) ?? 0)) return;
    const notification: ServerNotification =
      token !== undefined
        ? { method: 'notifications/progress', params: { progressToken: token, progress: count, message: line.content } }
        : { method: 'notifications/message', params: { level, logger: line.processName, data: line } };
    // Fails only when the tool's request has ended: its caller is gone, nothing is left to tell.
    extra.sendNotification(notification).catch(() => undefined);
  };
}

function compileRegex(pattern: string): RegExp | string {
  if (pattern.length > 500) return 'pattern must be at most 500 characters';
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`;
  }
}

/** Registers the dev-process tools and resources (the same over stdio and Streamable HTTP). */
export function registerDevTools(server: McpServer, dev: DevService, options: DevToolsOptions = {}): void {
  const { runner } = dev;
  const logLevel = options.logLevel ?? (() => undefined);
  const errorsOf = (processId: string) =>
    runner
      .errors({ processId, limit: 20 })
      .map(({ message, type, file, line, column }) => ({ message, type, file, line, column }));
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    'scripts_list',
    {
      title: 'List package.json scripts',
      description: "The project's package.json scripts and its package manager.",
      inputSchema: {},
      annotations: readOnly,
    },
    async () =>
      ok({
        packageManager: runner.packageManager,
        scripts: Object.entries(runner.scripts()).map(([name, command]) => ({ name, command })),
      }),
  );

  server.registerTool(
    'scripts_run',
    {
      title: 'Run a package.json script',
      description:
        'Starts a script and streams its output on this request (progress notifications if you pass a progressToken, else log messages). Returns when it exits, or after waitMs with a still-running handle. If the script is already running, returns that process at once (alreadyRunning: true); scripts_restart starts a new one.',
      inputSchema: {
        name: z.string().min(1).describe('Script name from scripts_list'),
        waitMs: z
          .number()
          .int()
          .min(0)
          .max(MAX_TOOL_WAIT_MS)
          .optional()
          .describe('How long to wait for it to exit (default 15000)'),
      },
    },
    async ({ name, waitMs = 15_000 }, extra) => {
      let run: EnsureRunningResult;
      const send = streamer(extra as Extra, logLevel);
      const pending: RunnerEvents['log'][] = [];
      let id: string | undefined;
      // Subscribe before starting so no early line is missed; lines of other processes are skipped.
      const offLog = runner.on('log', (line) => {
        if (id === undefined) pending.push(line);
        else if (line.processId === id) send(line);
      });
      try {
        run = runner.ensureRunning(name);
      } catch (error) {
        offLog();
        return failFrom(error);
      }
      id = run.process.id;
      if (run.alreadyRunning) {
        offLog();
        const summary = { process: run.process, running: true, alreadyRunning: true, errors: errorsOf(id) };
        const text = `${name} is already running as ${id} (pid ${run.process.pid}); returned that process instead of starting another. scripts_restart starts a new one, scripts_stop stops it.`;
        return ok(summary, `${text}\n${JSON.stringify(summary)}`);
      }
      for (const line of pending) if (line.processId === id) send(line);
      const exited = await new Promise<boolean>((resolve) => {
        const offExit = runner.on('exited', (e) => {
          if (e.processId !== id) return;
          cleanup();
          resolve(true);
        });
        const timer = setTimeout(() => {
          cleanup();
          resolve(false);
        }, waitMs);
        const onAbort = () => {
          cleanup();
          resolve(false);
        };
        (extra as Extra).signal.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => {
          offExit();
          clearTimeout(timer);
          (extra as Extra).signal.removeEventListener('abort', onAbort);
        };
      });
      offLog();
      const now = runner.get(id) ?? run.process;
      const errors = errorsOf(id);
      const summary = { process: now, running: !exited, alreadyRunning: false, errors };
      const text = exited
        ? `${name} exited with ${now.signal ? `signal ${now.signal}` : `code ${now.exitCode}`} after ${now.duration} ms; ${errors.length} error(s) detected.`
        : `${name} is still running as ${id} (pid ${now.pid}); stop it with scripts_stop.`;
      return ok(summary, `${text}\n${JSON.stringify(summary)}`);
    },
  );

  const processAction = (name: string, title: string, description: string, act: (id: string) => Promise<ProcessInfo>) =>
    server.registerTool(
      name,
      { title, description, inputSchema: { processId: z.string().min(1) } },
      async ({ processId }) => {
        try {
          return ok({ process: await act(processId) });
        } catch (error) {
          return failFrom(error);
        }
      },
    );
  processAction(
    'scripts_stop',
    'Stop a process',
    'SIGTERM to the process group it started, SIGKILL after a grace period.',
    (id) => runner.stop(id),
  );
  processAction(
    'scripts_restart',
    'Restart a process',
    'Stops it if running and starts the same script again (a new processId).',
    (id) => runner.restart(id),
  );

  server.registerTool(
    'scripts_status',
    {
      title: 'Process status',
      description: 'Status, exit code, signal, duration and URLs of one process, or of all the server started.',
      inputSchema: { processId: z.string().min(1).optional() },
      annotations: readOnly,
    },
    async ({ processId }) => {
      if (processId === undefined) return ok({ processes: runner.list() });
      const info = runner.get(processId);
      return info
        ? ok({ process: info })
        : fail(`no process "${processId}" (scripts_status without arguments lists them)`);
    },
  );

  server.registerTool(
    'logs_stream',
    {
      title: 'Stream log lines',
      description:
        'Streams new matching lines on this request as they occur (progress or log notifications) for durationMs or until limit lines, then returns a summary.',
      inputSchema: {
        processId: z.string().min(1).optional(),
        level: LevelSchema.optional().describe('Minimum level: error, warn or info'),
        pattern: z.string().optional().describe('Regular expression (case-insensitive) the line must match'),
        limit: z.number().int().min(1).max(1000).optional().describe('Stop after this many lines (default 100)'),
        durationMs: z
          .number()
          .int()
          .min(100)
          .max(MAX_TOOL_WAIT_MS)
          .optional()
          .describe('Stop after this long (default 10000)'),
      },
      annotations: readOnly,
    },
    async ({ processId, level, pattern, limit = 100, durationMs = 10_000 }, extra) => {
      const regex = pattern === undefined ? undefined : compileRegex(pattern);
      if (typeof regex === 'string') return fail(regex);
      if (processId !== undefined && !runner.get(processId))
        return fail(`no process "${processId}" (scripts_status lists them)`);
      const send = streamer(extra as Extra, logLevel);
      const rank = { info: 0, warn: 1, error: 2 };
      const matched: RunnerEvents['log'][] = [];
      await new Promise<void>((resolve) => {
        const off = runner.on('log', (line) => {
          if (processId !== undefined && line.processId !== processId) return;
          if (level !== undefined && line.priority < rank[level]) return;
          if (regex !== undefined && !regex.test(stripAnsi(line.content))) return;
          matched.push(line);
          send(line);
          if (matched.length >= limit) done();
        });
        const timer = setTimeout(() => done(), durationMs);
        const done = () => {
          off();
          clearTimeout(timer);
          (extra as Extra).signal.removeEventListener('abort', done);
          resolve();
        };
        (extra as Extra).signal.addEventListener('abort', done, { once: true });
      });
      return ok({ matched: matched.length, lines: matched.slice(-20) }, `${matched.length} matching line(s) streamed.`);
    },
  );

  server.registerTool(
    'logs_search',
    {
      title: 'Search logs',
      description:
        'Searches the retained log lines (newest kept) by substring or regular expression, process, level and time.',
      inputSchema: {
        query: z
          .string()
          .min(1)
          .max(500)
          .describe('Substring (case-insensitive), or a regular expression with regex: true'),
        regex: z.boolean().optional(),
        processId: z.string().min(1).optional(),
        level: LevelSchema.optional(),
        since: z.iso.datetime({ offset: true }).optional().describe('ISO-8601 time; only lines at or after it'),
        limit: z.number().int().min(1).max(1000).optional().describe('Default 100'),
      },
      annotations: readOnly,
    },
    async ({ query, regex, processId, level, since, limit }) => {
      const compiled = regex ? compileRegex(query) : undefined;
      if (typeof compiled === 'string') return fail(compiled);
      const lines = runner.logs.search({
        query,
        regex: compiled,
        processId,
        level,
        since: since === undefined ? undefined : Date.parse(since),
        limit,
      });
      return ok({ count: lines.length, lines: lines.map(publicLog) });
    },
  );

  server.registerTool(
    'errors_list',
    {
      title: 'Detected errors',
      description: 'Errors detected in process output, with message, type, file, line, column and stack.',
      inputSchema: {
        processId: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(500).optional().describe('Default 50'),
      },
      annotations: readOnly,
    },
    async ({ processId, limit }) => ok({ errors: runner.errors({ processId, limit }) }),
  );

  registerDevResources(server, runner);
}

/**
 * Wires one MCP session to the dev events: every notification once, and `resources/subscribe`
 * with coalesced `notifications/resources/updated {uri}`. Returns the function that detaches it.
 */
export function attachDevSession(
  server: McpServer,
  dev: DevService,
  onError: (what: string, error: unknown) => void = () => undefined,
): () => void {
  const subscribed = new Set<string>();
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const low = server.server;

  low.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const { uri } = request.params;
    if (!DEV_RESOURCES.includes(uri))
      throw rpcError(
        ErrorCode.InvalidParams,
        `cannot subscribe to ${uri}: subscribable resources are ${DEV_RESOURCES.join(', ')}`,
      );
    subscribed.add(uri);
    return {};
  });
  low.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const flush = () => {
    timer = undefined;
    for (const uri of dirty)
      low.sendResourceUpdated({ uri }).catch((error: unknown) => onError(`resources/updated ${uri}`, error));
    dirty.clear();
  };
  const detach = dev.listen({
    notification(n) {
      low.notification(n).catch((error: unknown) => onError(n.method, error));
    },
    resourceChanged(uri) {
      if (!subscribed.has(uri)) return;
      dirty.add(uri);
      if (timer === undefined) {
        timer = setTimeout(flush, RESOURCE_UPDATE_COALESCE_MS);
        timer.unref();
      }
    },
  });
  return () => {
    detach();
    if (timer) clearTimeout(timer);
  };
}
