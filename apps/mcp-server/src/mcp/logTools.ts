import type { McpServer } from '@modelcontextprotocol/server';
import type { LogEntry } from '@ws/events';
import { matchesLog } from '@ws/runner';
import { z } from 'zod';
import { compilePattern, MAX_PATTERN_LENGTH } from '../api/logPattern.js';
import type { DevApi } from '../api/webstreamApi.js';
import { DEFAULT_READ_BYTES } from './budget/budget.js';
import { compactList } from './budget/compactList.js';
import { errorRow, logRow } from './cursors/twins.js';
import { MAX_TOOL_WAIT_MS, type SessionLevel } from './devProcessTools.js';
import { lineStreamer, type ToolContext, toolContext, waitFor } from './lineStreamer.js';
import { fail, fromOutcome, ok, READ_ONLY } from './toolResult.js';

const LevelSchema = z.enum(['error', 'warn', 'info']);

/** `logs_stream`, `logs_search`, `errors_list`. */
export function registerLogTools(server: McpServer, dev: DevApi, level: SessionLevel): void {
  server.registerTool(
    'logs_stream',
    {
      title: 'Stream log lines',
      description:
        'Waits for new matching lines for durationMs or until limit lines (as progress notifications on this request if you pass a progressToken), then returns a summary. To read what is new without waiting, use logs_read.',
      inputSchema: z.object({
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
      }),
      annotations: READ_ONLY,
    },
    async (args, ctx) => streamLogs(dev, args, toolContext(ctx), level),
  );

  server.registerTool(
    'logs_search',
    {
      title: 'Search logs',
      description: `Searches the retained log lines (newest kept) by substring or regular expression, process, level and time. One line per match, repeats collapsed (×N), at most ${DEFAULT_READ_BYTES / 1024} KiB unless verbose (the newest that fit). To follow new output, use logs_read.`,
      inputSchema: z.object({
        query: z
          .string()
          .min(1)
          .max(MAX_PATTERN_LENGTH)
          .describe('Substring (case-insensitive), or a regular expression with regex: true'),
        regex: z.boolean().optional(),
        processId: z.string().min(1).optional(),
        level: LevelSchema.optional(),
        since: z.iso.datetime({ offset: true }).optional().describe('ISO-8601 time; only lines at or after it'),
        limit: z.number().int().min(1).max(1000).optional().describe('Default 100'),
        verbose: z.boolean().optional().describe('Longer lines and a larger byte budget'),
      }),
      annotations: READ_ONLY,
    },
    async ({ since, verbose, ...search }) =>
      fromOutcome(
        await dev.logs({ ...search, since: since === undefined ? undefined : Date.parse(since) }),
        (lines) => {
          const list = compactList(
            lines.map((l) => logRow(l.id, l)),
            { limit: search.limit ?? 100, verbose },
            'line',
          );
          return { structured: { count: lines.length, omitted: list.omitted, lines: list.items }, text: list.text };
        },
      ),
  );

  server.registerTool(
    'errors_list',
    {
      title: 'Detected errors',
      description: `Errors detected in process output, with message, type, file, line, column and stack. One line per error, repeats collapsed (×N), at most ${DEFAULT_READ_BYTES / 1024} KiB unless verbose. To follow new errors, use errors_read.`,
      inputSchema: z.object({
        processId: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(500).optional().describe('Default 50'),
        verbose: z.boolean().optional().describe('Longer lines and a larger byte budget'),
      }),
      annotations: READ_ONLY,
    },
    async ({ verbose, ...query }) =>
      fromOutcome(await dev.errors(query), (errors) => {
        const list = compactList(errors.map(errorRow), { limit: query.limit ?? 50, verbose }, 'error');
        return { structured: { omitted: list.omitted, errors: list.items }, text: list.text };
      }),
  );
}

interface StreamArgs {
  processId?: string | undefined;
  level?: 'error' | 'warn' | 'info' | undefined;
  pattern?: string | undefined;
  limit?: number | undefined;
  durationMs?: number | undefined;
}

async function streamLogs(dev: DevApi, args: StreamArgs, context: ToolContext, level: SessionLevel) {
  const { processId, limit = 100, durationMs = 10_000 } = args;
  const regex = args.pattern === undefined ? undefined : compilePattern(args.pattern);
  if (typeof regex === 'string') return fail(regex);
  if (processId !== undefined) {
    const known = await dev.process(processId);
    if (!known.ok) return fail(known.message);
  }
  const send = lineStreamer(context, level);
  const matched: LogEntry[] = [];
  await waitFor(context, durationMs, (done) =>
    dev.listen({
      event(e) {
        if (e.method !== 'notifications/logs/new') return;
        const line = e.params;
        if (!matchesLog(line, { processId, level: args.level, regex })) return;
        matched.push(line);
        send(line);
        if (matched.length >= limit) done();
      },
      resourceChanged: () => undefined,
    }),
  );
  // The summary keeps to the read budget: the last 20 lines at most, one line each.
  const last = compactList(
    matched.map((l) => logRow(l.id, l)),
    { limit: 20 },
    'line',
  );
  return ok(
    { matched: matched.length, lines: last.items },
    `${matched.length} matching line(s) streamed; the last of them:\n${last.text}`,
  );
}
