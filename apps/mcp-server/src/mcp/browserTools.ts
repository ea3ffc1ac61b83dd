import type { McpServer } from '@modelcontextprotocol/server';
import { BROWSER_LIST_MAX_LIMIT, type ProxyRequestRecord } from '@ws/events';
import { z } from 'zod';
import { type BrowserApi, REQUEST_STATUS_CLASSES } from '../api/browserApi.js';
import { timeParam } from '../api/browserQueries.js';
import { fail, fromOutcome, READ_ONLY } from './toolResult.js';

/** Requests `proxy_requests` returns unless asked for more. */
export const DEFAULT_TOOL_REQUESTS = 50;

const time = (what: string) =>
  z
    .union([z.number().int().nonnegative(), z.string().min(1).max(64)])
    .optional()
    .describe(`${what}: ms since the epoch or an ISO-8601 time`);
const limit = (fallback: number) =>
  z.number().int().min(1).max(BROWSER_LIST_MAX_LIMIT).optional().describe(`Most entries (default ${fallback})`);

/** A time input as ms, or the message saying what is wrong. */
function msOf(name: string, value: number | string | undefined): number | undefined | string {
  const parsed = timeParam(name, value === undefined ? undefined : String(value));
  return parsed.ok ? parsed.value : parsed.error;
}

const line = (r: ProxyRequestRecord) => {
  const outcome = r.pending ? 'pending' : r.failed ? `failed (${r.error?.kind})` : String(r.status);
  const took = r.durationMs === null ? '' : ` ${r.durationMs.toFixed(1)} ms`;
  return `#${r.id} ${r.method} ${r.url} → ${outcome}${took} ${r.responseBytes} B${r.processId ? ` [${r.processId}]` : ''}`;
};

/** `proxy_requests`, `proxy_map`, `timeline`. */
export function registerBrowserTools(server: McpServer, browser: BrowserApi): void {
  registerRequestsTool(server, browser);
  registerMapTool(server, browser);
  registerTimelineTool(server, browser);
}

function registerRequestsTool(server: McpServer, browser: BrowserApi): void {
  server.registerTool(
    'proxy_requests',
    {
      title: 'Proxied requests',
      description:
        'Requests the pages made through the dev-server proxies, newest first: method, URL, status, real duration (to the last byte), sizes, content type, process, failure (connection refused, timeout), headers with secrets redacted.',
      inputSchema: z.object({
        status: z
          .array(z.enum(REQUEST_STATUS_CLASSES))
          .optional()
          .describe('Status classes (any of): 2xx, 4xx, 5xx, failed, pending, ...'),
        method: z
          .string()
          .regex(/^[A-Za-z]{1,20}$/)
          .optional()
          .describe('HTTP method'),
        url: z.string().min(1).max(2000).optional().describe('Substring of the path and query'),
        processId: z.string().min(1).optional(),
        since: time('Only requests started at or after'),
        limit: limit(DEFAULT_TOOL_REQUESTS),
      }),
      annotations: READ_ONLY,
    },
    async ({ since, limit: most, method, ...rest }) => {
      const sinceMs = msOf('since', since);
      if (typeof sinceMs === 'string') return fail(sinceMs);
      const query = { ...rest, method: method?.toUpperCase(), since: sinceMs, limit: most ?? DEFAULT_TOOL_REQUESTS };
      return fromOutcome(await browser.requests(query), (requests) => ({
        structured: { requests },
        text:
          requests.length === 0
            ? 'no matching requests'
            : `${requests.map(line).join('\n')}\n${JSON.stringify({ requests })}`,
      }));
    },
  );
}

function registerMapTool(server: McpServer, browser: BrowserApi): void {
  server.registerTool(
    'proxy_map',
    {
      title: 'Proxy mappings',
      description:
        'Without target: lists the proxies (dev server → proxy URL to open). With target: starts a recording proxy in front of that dev server (with page telemetry injected) and returns its URL; with remove: true, stops it.',
      inputSchema: z.object({
        target: z.string().min(1).max(2000).optional().describe('The dev server URL (http://localhost:3000)'),
        processId: z.string().min(1).optional().describe('The process it belongs to'),
        remove: z.boolean().optional().describe('Stop the proxy of target instead'),
      }),
    },
    async ({ target, processId, remove }) => {
      if (target === undefined)
        return fromOutcome(await browser.mappings(), (mappings) => ({ structured: { mappings } }));
      if (remove) return fromOutcome(await browser.unmap(target), (mapping) => ({ structured: { removed: mapping } }));
      return fromOutcome(await browser.map({ target, processId }), (mapping) => ({
        structured: { mapping },
        text: `open ${mapping.proxyUrl} (proxy to ${mapping.target})\n${JSON.stringify({ mapping })}`,
      }));
    },
  );
}

function registerTimelineTool(server: McpServer, browser: BrowserApi): void {
  server.registerTool(
    'timeline',
    {
      title: 'Timeline',
      description:
        "What happened around a moment, oldest first: a process's log lines, its proxied requests and its pages' errors and console lines, joined by time. Default window: the last 5 minutes.",
      inputSchema: z.object({
        processId: z.string().min(1).optional(),
        since: time('Window start'),
        until: time('Window end'),
        limit: limit(100),
      }),
      annotations: READ_ONLY,
    },
    async ({ processId, since, until, limit: most }) => {
      const from = msOf('since', since);
      const to = msOf('until', until);
      if (typeof from === 'string') return fail(from);
      if (typeof to === 'string') return fail(to);
      if (from !== undefined && to !== undefined && from > to) return fail('since must not be after until');
      return fromOutcome(await browser.timeline({ processId, since: from, until: to, limit: most }), (entries) => ({
        structured: { entries },
        text:
          entries.length === 0
            ? 'nothing in that window'
            : entries.map((e) => `${e.at} ${e.kind.padEnd(10)} ${e.processId ?? '-'} ${e.summary}`).join('\n'),
      }));
    },
  );
}
