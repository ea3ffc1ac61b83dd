import { NavigateInputSchema, ProxyMapInputSchema, ReplInputSchema } from '@ws/events';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { BrowserApi } from '../../api/browserApi.js';
import { consoleQueryOf, networkQueryOf, requestQueryOf, timelineQueryOf } from '../../api/browserQueries.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem } from '../problem.js';
import { answer } from './devRoutes.js';
import { issuesOf } from './pushRoutes.js';

/** What {@link registerBrowserRoutes} needs besides the browser API. */
export interface BrowserRouteDeps {
  maxBodyBytes: number;
  /** The publish policy as middleware (the actions publish to /stream and run code in pages). */
  limitPublish: MiddlewareHandler<AppEnv>;
}

const PATHS = ['/proxy/*', '/telemetry/*', '/timeline'];

/**
 * The browser half's HTTP API (issue 12): proxy mappings and records, page sessions, errors, console,
 * the REPL, refresh, navigate and the timeline. Lists are newest first (the timeline oldest first),
 * `limit` 1 to 1000 (default 100); a bad query or body is a 400 saying what to fix.
 */
export function registerBrowserRoutes(api: Hono<AppEnv>, browser: BrowserApi | undefined, deps: BrowserRouteDeps) {
  if (!browser) {
    for (const path of PATHS) api.all(path, (c) => problem(c, 404, 'dev processes are not enabled on this server'));
    return;
  }
  /** A POST whose JSON body (an object; empty is `{}`) must match `schema`. */
  const post = <S extends z.ZodType>(
    path: string,
    schema: S,
    action: (c: Context<AppEnv>, input: z.infer<S>) => Promise<Response>,
  ) =>
    api.post(path, deps.limitPublish, async (c) => {
      const body = await readJsonBody(c.req.raw, {
        incoming: c.env?.incoming,
        maxBytes: deps.maxBodyBytes,
        required: false,
      });
      if (!body.ok) return problem(c, body.status, body.error);
      const input = schema.safeParse(body.value ?? {});
      if (!input.success) return problem(c, 400, 'invalid input', { issues: issuesOf(input.error) });
      return action(c, input.data);
    });
  const query = (c: Context<AppEnv>) => c.req.query() as Record<string, string | undefined>;

  api.get('/proxy/mappings', async (c) => answer(c, await browser.mappings(), (mappings) => ({ mappings })));
  post('/proxy/mappings', ProxyMapInputSchema, async (c, input) => answer(c, await browser.map(input), (m) => m, 201));
  api.delete('/proxy/mappings', async (c) => {
    const target = c.req.query('target');
    if (!target) return problem(c, 400, 'give the mapping to remove as ?target=<dev server URL>');
    const removed = await browser.unmap(target);
    return removed.ok ? c.body(null, 204) : answer(c, removed, () => ({}));
  });
  api.get('/proxy/requests', async (c) => {
    const parsed = requestQueryOf(query(c));
    if (!parsed.ok) return problem(c, 400, parsed.error);
    return answer(c, await browser.requests(parsed.value), (requests) => ({ requests }));
  });
  api.get('/telemetry/sessions', async (c) => answer(c, await browser.sessions(), (sessions) => ({ sessions })));
  api.get('/telemetry/errors', async (c) => answer(c, await browser.errors(), (errors) => ({ errors })));
  api.get('/telemetry/console', async (c) => {
    const parsed = consoleQueryOf(query(c));
    if (!parsed.ok) return problem(c, 400, parsed.error);
    return answer(c, await browser.console(parsed.value), (entries) => ({ entries }));
  });
  api.get('/telemetry/network', async (c) => {
    const parsed = networkQueryOf(query(c));
    if (!parsed.ok) return problem(c, 400, parsed.error);
    return answer(c, await browser.network(parsed.value), (failures) => ({ failures }));
  });
  post('/telemetry/repl', ReplInputSchema, async (c, input) => answer(c, await browser.repl(input), (r) => r));
  // `-` for the session id: the server picks the tab (the most recently active visible one).
  const sessionId = (c: Context<AppEnv>) => {
    const id = c.req.param('id') as string;
    return id === '-' ? undefined : id;
  };
  post('/telemetry/sessions/:id/refresh', ReplInputSchema.pick({ timeoutMs: true }), async (c, input) =>
    answer(c, await browser.refresh(sessionId(c), input.timeoutMs), (r) => r),
  );
  post('/telemetry/sessions/:id/navigate', NavigateInputSchema, async (c, input) =>
    answer(c, await browser.navigate(sessionId(c), input.url), (r) => r),
  );
  api.get('/timeline', async (c) => {
    const parsed = timelineQueryOf(query(c));
    if (!parsed.ok) return problem(c, 400, parsed.error);
    return answer(c, await browser.timeline(parsed.value), (entries) => ({ entries }));
  });
}
