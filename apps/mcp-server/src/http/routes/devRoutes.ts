import { RunnerError } from '@ws/runner';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { DevService } from '../../dev/devEvents.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem } from '../problem.js';

/** What {@link registerDevRoutes} needs besides the dev service. */
export interface DevRouteDeps {
  /** Largest request body (`--max-body-bytes`). */
  maxBodyBytes: number;
  /** The publish policy as middleware (a dev-process action publishes to /stream). */
  limitPublish: MiddlewareHandler<AppEnv>;
}

/**
 * The dev-process HTTP API the dashboard uses (the same operations as the MCP tools). The POST routes take
 * an empty body or a JSON object (`{}`), sent as application/json, within `maxBodyBytes`.
 */
export function registerDevRoutes(api: Hono<AppEnv>, dev: DevService | undefined, deps: DevRouteDeps): void {
  const ready = (c: Context<AppEnv>) =>
    dev ? undefined : problem(c, 404, 'dev processes are not enabled on this server');
  const fail = (c: Context<AppEnv>, error: unknown) => {
    if (error instanceof RunnerError) return problem(c, error.code === 'invalid_argument' ? 400 : 404, error.message);
    throw error;
  };
  const post = (
    path: string,
    action: (c: Context<AppEnv>, runner: DevService['runner']) => Promise<Response> | Response,
  ) =>
    api.post(path, deps.limitPublish, async (c) => {
      const refused = ready(c);
      if (refused) return refused;
      const body = await readJsonBody(c.req.raw, {
        incoming: c.env?.incoming,
        maxBytes: deps.maxBodyBytes,
        required: false,
      });
      if (!body.ok) return problem(c, body.status, body.error);
      if (
        body.value !== undefined &&
        (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value))
      )
        return problem(c, 400, 'body must be empty or a JSON object ({})');
      try {
        return await action(c, (dev as DevService).runner);
      } catch (error) {
        return fail(c, error);
      }
    });
  api.get(
    '/scripts',
    (c) =>
      ready(c) ??
      c.json({ packageManager: dev?.runner.packageManager, cwd: dev?.runner.cwd, scripts: dev?.runner.scripts() }),
  );
  api.get('/processes', (c) => ready(c) ?? c.json({ processes: dev?.runner.list() }));
  api.get('/processes/:id', (c) => {
    const p = dev?.runner.get(c.req.param('id'));
    return ready(c) ?? (p ? c.json({ process: p }) : problem(c, 404, `no process "${c.req.param('id')}"`));
  });
  api.get('/processes/:id/logs', (c) => {
    const id = c.req.param('id');
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 500) || 500, 1), 10_000);
    if (dev && !dev.runner.get(id)) return problem(c, 404, `no process "${id}"`);
    return (
      ready(c) ??
      c.json({
        lines: dev?.runner.logs.search({ processId: id, limit }).map(({ plain: _p, time: _t, ...line }) => line),
      })
    );
  });
  api.get('/errors', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 500);
    return ready(c) ?? c.json({ errors: dev?.runner.errors({ processId: c.req.query('processId'), limit }) });
  });
  post('/scripts/:name/run', (c, runner) => {
    // A script that is already running is returned as it is (200), not started twice (201).
    const run = runner.ensureRunning(c.req.param('name') as string);
    return c.json(run, run.alreadyRunning ? 200 : 201);
  });
  post('/processes/:id/stop', async (c, runner) => c.json({ process: await runner.stop(c.req.param('id') as string) }));
  post('/processes/:id/restart', async (c, runner) =>
    c.json({ process: await runner.restart(c.req.param('id') as string) }, 201),
  );
}
