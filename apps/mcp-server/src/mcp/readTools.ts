import type { McpServer } from '@modelcontextprotocol/server';
import { ChannelSchema } from '@ws/events';
import { z } from 'zod';
import { compilePattern, MAX_PATTERN_LENGTH } from '../api/logPattern.js';
import type { DevApi, StreamApi } from '../api/webstreamApi.js';
import { BUDGET_NOTE, MAX_READ_LIMIT } from './budget/budget.js';
import { pageTwin, requestsTwin } from './cursors/browserTwins.js';
import { runningNow } from './cursors/processesNow.js';
import { type ReadAnswer, readEvents } from './cursors/readEvents.js';
import { readScripts } from './cursors/scriptsRead.js';
import { errorsTwin, logsTwin, messagesTwin, processesTwin } from './cursors/twins.js';
import { aboutText } from './guide.js';
import { fail, ok, READ_ONLY } from './toolResult.js';

/** The arguments every read tool takes. */
const ReadArgsShape = {
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe('The cursor the previous answer of this tool ended with; omit it the first time'),
  limit: z.number().int().min(1).max(MAX_READ_LIMIT).optional().describe('Most items to return'),
  verbose: z.boolean().optional().describe('Longer lines and a larger byte budget'),
  oldest: z
    .boolean()
    .optional()
    .describe('With a cursor: the oldest new items first (a page to continue from) instead of the newest'),
};

const SINCE =
  'Returns only what is new since the cursor you pass back (without one: the newest entries held), and a new cursor.';

const toResult = (a: ReadAnswer) => (a.ok ? ok(a.structured, a.text) : fail(a.message));

/** `messages_read` and `about`: present whether or not dev processes are supervised. */
export function registerStreamReadTools(server: McpServer, stream: StreamApi, dev: boolean, where: string): void {
  server.registerTool(
    'about',
    {
      title: 'How to use this server',
      description:
        'A few lines on which tool to call first, what the cursors are for and the answer budget. Call it first if unsure.',
      inputSchema: z.object({}),
      annotations: READ_ONLY,
    },
    async () => ok({ dev }, aboutText({ dev, where })),
  );
  server.registerTool(
    'messages_read',
    {
      title: 'Pushed messages since a cursor',
      description: `Messages pushed to the stream: every channel but the server's own (process, logs, errors, proxy, browser), or the one named. ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object({ ...ReadArgsShape, channel: ChannelSchema.optional().describe('Only this channel') }),
      annotations: READ_ONLY,
    },
    async ({ channel, ...args }) => toResult(await readEvents(stream, messagesTwin(channel), args)),
  );
}

/** `logs_read`, `errors_read`, `processes_read`, `scripts_read`: the tool twins of the dev resources. */
export function registerDevReadTools(server: McpServer, stream: StreamApi, dev: DevApi): void {
  server.registerTool(
    'logs_read',
    {
      title: 'Log lines since a cursor',
      description: `Output lines of the supervised processes (twin of logs://recent). ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object({
        ...ReadArgsShape,
        processId: z.string().min(1).optional(),
        level: z.enum(['error', 'warn', 'info']).optional().describe('Minimum level'),
        pattern: z.string().max(MAX_PATTERN_LENGTH).optional().describe('Regular expression (case-insensitive)'),
      }),
      annotations: READ_ONLY,
    },
    async ({ processId, level, pattern, ...args }) => {
      const regex = pattern === undefined ? undefined : compilePattern(pattern);
      if (typeof regex === 'string') return fail(regex);
      return toResult(await readEvents(stream, logsTwin({ processId, level, regex }), args));
    },
  );
  server.registerTool(
    'errors_read',
    {
      title: 'Detected errors since a cursor',
      description: `Errors detected in process output, with file, line and column (twin of logs://errors). ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object({ ...ReadArgsShape, processId: z.string().min(1).optional() }),
      annotations: READ_ONLY,
    },
    async ({ processId, ...args }) => toResult(await readEvents(stream, errorsTwin(processId), args)),
  );
  server.registerTool(
    'processes_read',
    {
      title: 'Process starts and exits since a cursor',
      description: `What runs now, then processes started and exited (twin of processes://active). ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object(ReadArgsShape),
      annotations: READ_ONLY,
    },
    async (args) => toResult(await readEvents(stream, processesTwin, args, await runningNow(dev))),
  );
  server.registerTool(
    'scripts_read',
    {
      title: 'Scripts, if changed since a cursor',
      description: `The package.json scripts (twin of scripts://available); with the cursor of the last answer, one line if nothing changed. ${BUDGET_NOTE}`,
      inputSchema: z.object({ cursor: ReadArgsShape.cursor, limit: ReadArgsShape.limit }),
      annotations: READ_ONLY,
    },
    async (args) => toResult(await readScripts(dev, args)),
  );
}

/**
 * `requests_read`, `page_read`: the read twins of the browser half (`proxy://requests`, `telemetry://*`),
 * over its `/stream` channels `proxy` and `browser`. createMcpServer registers them when the server has
 * the browser half (`api.browser`).
 */
export function registerBrowserReadTools(server: McpServer, stream: StreamApi): void {
  server.registerTool(
    'requests_read',
    {
      title: 'Proxied requests since a cursor',
      description: `Requests that went through the dev proxy: method, URL, status and time, or why they failed (twin of proxy://requests). ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object({
        ...ReadArgsShape,
        failedOnly: z.boolean().optional().describe('Only failures and 4xx/5xx answers'),
      }),
      annotations: READ_ONLY,
    },
    async ({ failedOnly, ...args }) => toResult(await readEvents(stream, requestsTwin({ failedOnly }), args)),
  );
  server.registerTool(
    'page_read',
    {
      title: 'Page errors, console and sessions since a cursor',
      description: `What pages loaded through the proxy reported: error groups (with the mapped place and the count), console lines, pages opened and closed (twin of telemetry://errors and telemetry://sessions). ${SINCE} ${BUDGET_NOTE}`,
      inputSchema: z.object(ReadArgsShape),
      annotations: READ_ONLY,
    },
    async (args) => toResult(await readEvents(stream, pageTwin, args)),
  );
}
