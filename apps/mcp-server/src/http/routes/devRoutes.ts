import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { DevApi, LogSearch, Outcome } from '../../api/webstreamApi.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem, retryLater } from '../problem.js';

/** What {@link registerDevRoutes} needs besides the dev API. */
export interface DevRouteDeps {
  /** Largest request body (`--max-body-bytes`). */
  maxBodyBytes: number;
  /** The publish policy as middleware (a dev-process action publishes to /stream). */
  limitPublish: MiddlewareHandler<AppEnv>;
}

/** The JSON answer of an outcome: the value (wrapped by `wrap`) with `status`, or the failure's error. */
export function answer<T>(c: Context<AppEnv>, outcome: Outcome<T>, wrap: (value: T) => object, status = 200) {
  if (outcome.ok) return c.json(wrap(outcome.value), status as 200);
  const { status: code, message, retryAfterSeconds } = outcome;
  if ((code === 429 || code === 503) && retryAfterSeconds !== undefined)
    return retryLater(c, code, message, retryAfterSeconds);
  return problem(c, code, message);
}

const intParam = (raw: string | undefined, fallback: number, max: number) =>
  Math.min(Math.max(Number(raw ?? fallback) || fallback, 1), max);

/** The `GET /api/logs` query as a log search, or what is wrong with it. */
function logSearchOf(c: Context<AppEnv>): LogSearch | string {
  const level = c.req.query('level');
  if (level !== undefined && level !== 'error' && level !== 'warn' && level !== 'info')
    return 'level must be error, warn or info';
  const sinceRaw = c.req.query('since');
  const since = sinceRaw === undefined ? undefined : Date.parse(sinceRaw);
  if (since !== undefined && Number.isNaN(since)) return 'since must be an ISO-8601 time';
  return {
    query: c.req.query('query') || undefined,
    regex: c.req.query('regex') === 'true',
    processId: c.req.query('processId'),
    level,
    since,
    limit: intParam(c.req.query('limit'), 100, 1000),
  };
}

/**
 * The dev-process HTTP API the dashboard and the stdio front use (the same operations as the MCP tools).
 * The POST routes take an empty body or a JSON object (`{}`), sent as application/json, within `maxBodyBytes`.
 */
export function registerDevRoutes(api: Hono<AppEnv>, dev: DevApi | undefined, deps: DevRouteDeps): void {
  if (!dev) {
    for (const path of ['/scripts', '/scripts/*', '/processes', '/processes/*', '/logs', '/errors'])
      api.all(path, (c) => problem(c, 404, 'dev processes are not enabled on this server'));
    return;
  }
  const post = (path: string, action: (c: Context<AppEnv>) => Promise<Response>) =>
    api.post(path, deps.limitPublish, async (c) => {
      const body = await readJsonBody(c.req.raw, {
        incoming: c.env?.incoming,
        maxBytes: deps.maxBodyBytes,
        required: false,
      });
      if (!body.ok) return problem(c, body.status, body.error);
      const v = body.value;
      if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
        return problem(c, 400, 'body must be empty or a JSON object ({})');
      return action(c);
    });
  const id = (c: Context<AppEnv>) => c.req.param('id') as string;
  api.get('/scripts', async (c) => answer(c, await dev.scripts(), (info) => info));
  api.get('/processes', async (c) =>
    answer(c, await dev.processes({ active: c.req.query('active') === 'true' }), (processes) => ({ processes })),
  );
  api.get('/processes/:id', async (c) => answer(c, await dev.process(id(c)), (process) => ({ process })));
  api.get('/processes/:id/logs', async (c) => {
    const known = await dev.process(id(c));
    if (!known.ok) return answer(c, known, () => ({}));
    return answer(
      c,
      await dev.logs({ processId: id(c), limit: intParam(c.req.query('limit'), 500, 10_000) }),
      (lines) => ({ lines }),
    );
  });
  api.get('/logs', async (c) => {
    const search = logSearchOf(c);
    if (typeof search === 'string') return problem(c, 400, search);
    return answer(c, await dev.logs(search), (lines) => ({ lines }));
  });
  api.get('/errors', async (c) =>
    answer(
      c,
      await dev.errors({ processId: c.req.query('processId'), limit: intParam(c.req.query('limit'), 50, 500) }),
      (errors) => ({ errors }),
    ),
  );
  // A script that is already running is returned as it is (200), not started twice (201).
  post('/scripts/:name/run', async (c) => {
    const run = await dev.run(c.req.param('name') as string);
    return answer(c, run, (value) => value, run.ok && !run.value.alreadyRunning ? 201 : 200);
  });
  post('/processes/:id/stop', async (c) => answer(c, await dev.stop(id(c)), (process) => ({ process })));
  post('/processes/:id/restart', async (c) => answer(c, await dev.restart(id(c)), (process) => ({ process }), 201));
}
