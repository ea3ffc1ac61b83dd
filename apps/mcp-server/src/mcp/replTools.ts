import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { ReplInputSchema, type ReplResponse } from '@ws/events';
import { z } from 'zod';
import type { BrowserApi } from '../api/browserApi.js';
import type { Outcome } from '../api/webstreamApi.js';
import { fail } from './toolResult.js';

const sessionId = z
  .string()
  .min(1)
  .optional()
  .describe('Page session id (telemetry://sessions); default the most recently active visible tab');

const CHOSEN: Record<ReplResponse['chosen'], string> = {
  given: 'the given tab',
  'most-recent-visible': 'the most recently active visible tab',
  'most-recent': 'the most recently active tab (none is visible)',
};

/** The answer for the caller: which tab ran it, then the value or the error. */
function replResult(outcome: Outcome<ReplResponse>, what: string): CallToolResult {
  if (!outcome.ok) return fail(outcome.message);
  const r = outcome.value;
  const tab = `${CHOSEN[r.chosen]}: session ${r.sessionId}${r.title ? ` "${r.title}"` : ''}${r.url ? ` (${r.url})` : ''}`;
  const body = r.ok
    ? `${what} in ${tab}${r.value === undefined ? '' : `\n${JSON.stringify(r.value)}`}`
    : `${what} failed in ${tab}\n${r.error?.stack || `${r.error?.name}: ${r.error?.message}`}`;
  return { content: [{ type: 'text', text: body }], structuredContent: r, isError: !r.ok };
}

/** `repl_execute`, `browser_refresh`, `browser_navigate`: commands to one page over its command stream. */
export function registerReplTools(server: McpServer, browser: BrowserApi): void {
  server.registerTool(
    'repl_execute',
    {
      title: 'Run JavaScript in a page',
      description:
        'Runs JavaScript in one page opened through the proxy (an expression, or statements with return; await works) and returns the result, serialized safely, to you only. Picks the most recently active visible tab unless sessionId is given, and says which tab ran it.',
      inputSchema: z.object({
        code: ReplInputSchema.shape.code,
        sessionId,
        timeoutMs: ReplInputSchema.shape.timeoutMs,
      }),
    },
    async (input) => replResult(await browser.repl(input), 'ran'),
  );
  server.registerTool(
    'browser_refresh',
    {
      title: 'Reload a page',
      description: 'Reloads one page opened through the proxy (default the most recently active visible tab).',
      inputSchema: z.object({ sessionId }),
    },
    async ({ sessionId: id }) => replResult(await browser.refresh(id), 'reloaded'),
  );
  server.registerTool(
    'browser_navigate',
    {
      title: 'Navigate a page',
      description: 'Sends one page opened through the proxy to a URL: a path on its origin (/about) or an http(s) URL.',
      inputSchema: z.object({
        url: z.string().min(1).max(2000).describe('A path (/about) or an http(s) URL'),
        sessionId,
      }),
    },
    async ({ url, sessionId: id }) => replResult(await browser.navigate(id, url), `navigated to ${url}`),
  );
}
