import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChannelSchema, MessageTypeSchema, PushInputSchema } from '@ws/events';
import type { RedisBus } from '@ws/redis';
import { RunnerError } from '@ws/runner';
import { createSseResponse, SseError, type Subscriber } from '@ws/sse-core';
import { handleSseRequest } from '@ws/sse-core/node';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { type Auth, type Credential, createAuth, SESSION_COOKIE } from './auth.js';
import type { Config } from './config.js';
import type { DashboardAssets } from './dashboard.js';
import type { DevService } from './devService.js';
import { createHostGuard } from './hostGuard.js';
import type { Logger } from './logger.js';
import type { McpSessions } from './mcpSessions.js';
import { createMetrics } from './metrics.js';
import { PAGE_CSP, PAGE_HTML, PAGE_JS } from './page.js';
import { createRateLimiter } from './rateLimiter.js';
import type { StreamFormat, StreamService } from './streamService.js';

/** What {@link createApp} needs. */
export interface AppDeps {
  config: Config;
  service: StreamService;
  logger: Logger;
  /** Default: built from `config.token`. */
  auth?: Auth;
  /** Default: a fresh registry over `service`. */
  metrics?: Registry;
  version?: string;
  /** MCP over Streamable HTTP at /mcp (absent: /mcp answers 404). */
  mcp?: McpSessions;
  /** Dev processes: /api/scripts, /api/processes, /api/errors (absent: those answer 404). */
  dev?: DevService;
  /** The built dashboard, served at / (absent: the minimal live page). */
  dashboard?: DashboardAssets;
  /** The Redis bus, when scaled out: its state is in /health and /metrics. */
  redis?: RedisBus;
}

type Env = {
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse };
  Variables: { credential: Credential | 'none' };
};

/** A connected `/stream` client, as `GET /api/clients` lists it. */
interface ClientInfo {
  id: number;
  subscriber: Subscriber;
  channels: string[];
  types: string[];
  format: StreamFormat;
  connectedAt: string;
  address: string;
}

const AckSchema = z.object({
  id: z.string().min(1).max(256),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'clientId must be 1-128 letters, digits, "_", ".", ":" or "-"'),
});

const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));

type Problem = (c: Context, status: 400 | 404 | 415, error: string) => Response;

/** The dev-process HTTP API the dashboard uses (the same operations as the MCP tools). */
function registerDevRoutes(
  api: Hono<Env>,
  dev: DevService | undefined,
  h: { problem: Problem; jsonBody: (c: Context<Env>) => Response | undefined; rateLimited: MiddlewareHandler<Env> },
): void {
  const ready = (c: Context<Env>) =>
    dev ? undefined : h.problem(c, 404, 'dev processes are not enabled on this server');
  const fail = (c: Context<Env>, error: unknown) => {
    if (error instanceof RunnerError) return h.problem(c, error.code === 'invalid_argument' ? 400 : 404, error.message);
    throw error;
  };
  const post = (
    path: string,
    action: (c: Context<Env>, runner: DevService['runner']) => Promise<Response> | Response,
  ) =>
    api.post(path, h.rateLimited, async (c) => {
      const refused = ready(c) ?? h.jsonBody(c);
      if (refused) return refused;
      try {
        return await action(c, (dev as DevService).runner);
      } catch (error) {
        return fail(c, error);
      }
    });
  api.get(
    '/scripts',
    (c) => ready(c) ?? c.json({ packageManager: dev?.runner.packageManager, scripts: dev?.runner.scripts() }),
  );
  api.get('/processes', (c) => ready(c) ?? c.json({ processes: dev?.runner.list() }));
  api.get('/processes/:id', (c) => {
    const p = dev?.runner.get(c.req.param('id'));
    return ready(c) ?? (p ? c.json({ process: p }) : h.problem(c, 404, `no process "${c.req.param('id')}"`));
  });
  api.get('/processes/:id/logs', (c) => {
    const id = c.req.param('id');
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 500) || 500, 1), 10_000);
    if (dev && !dev.runner.get(id)) return h.problem(c, 404, `no process "${id}"`);
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
  post('/scripts/:name/run', (c, runner) => c.json({ process: runner.runScript(c.req.param('name') as string) }, 201));
  post('/processes/:id/stop', async (c, runner) => c.json({ process: await runner.stop(c.req.param('id') as string) }));
  post('/processes/:id/restart', async (c, runner) =>
    c.json({ process: await runner.restart(c.req.param('id') as string) }, 201),
  );
}

/** Builds the HTTP app. Routes: /, /stream, /api/*, /health, /metrics. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config, service, logger } = deps;
  const auth = deps.auth ?? createAuth(config.token);
  const metrics = deps.metrics ?? createMetrics(service, deps.redis);
  const guard = createHostGuard(config);
  const limiter = createRateLimiter({ perSecond: config.rateLimit, burst: config.rateBurst });
  const clients = new Map<number, ClientInfo>();
  const perAddress = new Map<string, number>();
  const app = new Hono<Env>();

  const problem = (
    c: Context,
    status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503,
    error: string,
    extra?: object,
  ) => c.json({ error, ...extra }, status);
  const addressOf = (c: Context<Env>) => c.env?.incoming?.socket.remoteAddress ?? 'local';

  // DNS-rebinding protection: only our own names in Host, on everything but the health probe.
  app.use('*', async (c, next) => {
    if (c.req.path === '/health') return next();
    const host = c.req.header('host');
    if (!guard.hostAllowed(host)) {
      return problem(
        c,
        403,
        `Host "${host ?? ''}" is not allowed; start webstream with --allowed-hosts ${host ?? '<name>'} to accept it`,
      );
    }
    return next();
  });

  // CORS for allowlisted origins only; preflight answered here.
  const cors: MiddlewareHandler<Env> = async (c, next) => {
    const origin = c.req.header('origin');
    const allow = guard.corsOrigin(origin);
    if (c.req.method === 'OPTIONS') {
      if (!allow) return problem(c, 403, `origin ${origin ?? '(none)'} is not allowed; add it with --cors`);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': allow,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          'Content-Type, Authorization, Last-Event-ID, Mcp-Session-Id, Mcp-Protocol-Version',
        'Access-Control-Max-Age': '600',
        ...(allow === '*' ? {} : { 'Access-Control-Allow-Credentials': 'true' }),
        Vary: 'Origin',
      });
    }
    await next();
    if (allow) {
      c.res.headers.set('Access-Control-Allow-Origin', allow);
      c.res.headers.set('Access-Control-Expose-Headers', 'Mcp-Session-Id');
      if (allow !== '*') c.res.headers.set('Access-Control-Allow-Credentials', 'true');
      c.res.headers.append('Vary', 'Origin');
    }
  };
  const corsHeaders = (c: Context<Env>): Record<string, string> => {
    const allow = guard.corsOrigin(c.req.header('origin'));
    if (!allow) return {};
    return allow === '*'
      ? { 'Access-Control-Allow-Origin': '*' }
      : { 'Access-Control-Allow-Origin': allow, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
  };
  app.use('/api/*', cors);
  app.use('/stream', cors);
  app.use('/mcp', cors);

  // Cross-site requests to the API and to MCP are refused unless the origin is allowlisted.
  const sameOrigin: MiddlewareHandler<Env> = async (c, next) => {
    const origin = c.req.header('origin');
    if (!guard.originAllowed(origin, c.req.header('host'))) {
      return problem(c, 403, `origin ${origin} is not allowed; add it with --cors ${origin}`);
    }
    return next();
  };
  app.use('/api/*', sameOrigin);
  app.use('/mcp', sameOrigin);

  const requireAuth =
    (accept: readonly Credential[]): MiddlewareHandler<Env> =>
    async (c, next) => {
      if (!auth.enabled) {
        c.set('credential', 'none');
        return next();
      }
      const header = c.req.header('authorization');
      let credential: Credential | undefined;
      if (header !== undefined && accept.includes('bearer') && auth.checkBearer(header)) credential = 'bearer';
      else if (accept.includes('cookie') && auth.checkSession(getCookie(c, SESSION_COOKIE))) credential = 'cookie';
      else if (accept.includes('ticket') && auth.redeemTicket(c.req.query('ticket'))) credential = 'ticket';
      if (!credential) {
        c.header('WWW-Authenticate', 'Bearer realm="webstream"');
        const how = accept.includes('ticket')
          ? 'send "Authorization: Bearer <token>", the session cookie (POST /api/session), or ?ticket= from POST /api/ticket'
          : accept.includes('cookie')
            ? 'send "Authorization: Bearer <token>" or the session cookie from POST /api/session'
            : 'send "Authorization: Bearer <token>"';
        return problem(c, 401, `authentication required: ${how}`);
      }
      c.set('credential', credential);
      return next();
    };

  // 503 while the backend is away, so a load balancer sends clients to an instance that can serve them.
  app.get('/health', (c) => {
    const redis = deps.redis?.state();
    const degraded = redis !== undefined && !redis.up;
    return c.json(
      {
        status: degraded ? 'degraded' : 'ok',
        version: deps.version ?? '0.0.0',
        uptimeSeconds: service.status().uptimeSeconds,
        clients: service.hub.stats().clients,
        backend: redis ? { type: 'redis', ...redis } : { type: 'memory' },
      },
      degraded ? 503 : 200,
    );
  });

  const dashboard = deps.dashboard;
  if (dashboard) {
    app.get('/*', async (c, next) => {
      const asset = dashboard.get(c.req.path);
      if (!asset) return next();
      return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': asset.type,
        'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...(c.req.path === '/' ? { 'Content-Security-Policy': PAGE_CSP, 'Referrer-Policy': 'no-referrer' } : {}),
      });
    });
  }
  app.get('/', (c) =>
    c.html(PAGE_HTML, 200, { 'Content-Security-Policy': PAGE_CSP, 'X-Content-Type-Options': 'nosniff' }),
  );
  app.get('/page.js', (c) =>
    c.body(PAGE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }),
  );

  app.get('/stream', requireAuth(['bearer', 'cookie', 'ticket']), (c) => {
    const channels = c.req.queries('channel') ?? [];
    const types = c.req.queries('type') ?? [];
    for (const ch of channels) {
      const r = ChannelSchema.safeParse(ch);
      if (!r.success) return problem(c, 400, `invalid channel ${JSON.stringify(ch)}: ${r.error.issues[0]?.message}`);
    }
    for (const t of types) {
      if (!MessageTypeSchema.safeParse(t).success) {
        return problem(c, 400, `invalid type ${JSON.stringify(t)}: use one of ${MessageTypeSchema.options.join(', ')}`);
      }
    }
    const format = (c.req.query('format') ?? 'text') as StreamFormat;
    if (format !== 'text' && format !== 'json') return problem(c, 400, 'format must be "text" (default) or "json"');
    const replayRaw = c.req.query('replay');
    const replay = replayRaw === undefined ? undefined : Number(replayRaw);
    if (replay !== undefined && !(Number.isInteger(replay) && replay >= 0 && replay <= config.historySize)) {
      return problem(c, 400, `replay must be an integer from 0 to ${config.historySize} (the history size)`);
    }
    const address = addressOf(c);
    const open = perAddress.get(address) ?? 0;
    if (open >= config.maxConnectionsPerClient) {
      return problem(
        c,
        429,
        `too many streams from this client (limit ${config.maxConnectionsPerClient}); close some or raise --max-connections-per-client`,
      );
    }
    const options = { channels, types, format, replay, headers: corsHeaders(c) };
    const track = (subscriber: Subscriber) => {
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      const info: ClientInfo = {
        id: subscriber.id,
        subscriber,
        channels,
        types,
        format,
        connectedAt: new Date().toISOString(),
        address,
      };
      clients.set(subscriber.id, info);
      subscriber.onClose(() => {
        clients.delete(subscriber.id);
        const n = (perAddress.get(address) ?? 1) - 1;
        if (n <= 0) perAddress.delete(address);
        else perAddress.set(address, n);
      });
    };
    const { incoming, outgoing } = c.env ?? {};
    if (incoming && outgoing) {
      // On Node, write straight to the socket (the fastest path); @hono/node-server then leaves the response alone.
      const subscriber = handleSseRequest(service.hub, incoming, outgoing, options);
      if (subscriber) track(subscriber);
      return new Response(null, { headers: { 'x-hono-already-sent': '1' } });
    }
    return createSseResponse(service.hub, c.req.raw, { ...options, onSubscribe: track });
  });

  const api = new Hono<Env>();
  api.use('*', requireAuth(['bearer', 'cookie']));

  const jsonBody = (c: Context<Env>): Response | undefined => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return problem(c, 415, `Content-Type must be application/json (got ${type ? JSON.stringify(type) : 'none'})`);
    }
    return undefined;
  };
  const limitBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: (c) =>
      problem(c, 413, `request body is larger than ${config.maxBodyBytes} bytes (raise --max-body-bytes)`),
  });
  const rateLimited: MiddlewareHandler<Env> = async (c, next) => {
    const decision = limiter.take(addressOf(c));
    if (!decision.ok) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      return problem(
        c,
        429,
        `rate limit exceeded (${config.rateLimit}/s, burst ${config.rateBurst}); retry in ${decision.retryAfterSeconds} s`,
      );
    }
    return next();
  };
  const readJson = async (
    c: Context<Env>,
  ): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> => {
    const unsupported = jsonBody(c);
    if (unsupported) return { ok: false, response: unsupported };
    try {
      return { ok: true, value: JSON.parse(await c.req.text()) };
    } catch (error) {
      return { ok: false, response: problem(c, 400, `body is not valid JSON: ${(error as Error).message}`) };
    }
  };

  api.post('/push', rateLimited, limitBody, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const input = PushInputSchema.safeParse(body.value);
    if (!input.success) return problem(c, 400, 'invalid message', { issues: issuesOf(input.error) });
    try {
      const result = await service.push(input.data);
      return c.json({ status: 'success', ...result });
    } catch (error) {
      if (error instanceof SseError && (error.code === 'backend_unavailable' || error.code === 'closed')) {
        return problem(c, 503, `message not accepted: ${error.message}`);
      }
      throw error;
    }
  });

  api.post('/ack', rateLimited, limitBody, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const input = AckSchema.safeParse(body.value);
    if (!input.success) return problem(c, 400, 'invalid acknowledgement', { issues: issuesOf(input.error) });
    if (!service.ack(input.data.id, input.data.clientId)) {
      return problem(c, 404, `no message ${input.data.id} in the delivery records (too old or never published)`);
    }
    return c.json(service.messageStatus(input.data.id));
  });

  api.get('/messages/:id', (c) => {
    const status = service.messageStatus(c.req.param('id'));
    return status ? c.json(status) : problem(c, 404, `no message ${c.req.param('id')} in the delivery records`);
  });

  api.get('/stats', (c) => c.json(service.status()));

  api.get('/history', async (c) => {
    const channel = c.req.query('channel');
    const limit = Number(c.req.query('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return problem(c, 400, 'limit must be an integer from 1 to 1000');
    if (channel !== undefined && !ChannelSchema.safeParse(channel).success)
      return problem(c, 400, `invalid channel ${JSON.stringify(channel)}`);
    return c.json({ messages: await service.history({ channel, limit }) });
  });

  api.get('/clients', (c) =>
    c.json({
      clients: [...clients.values()].map(({ subscriber, ...info }) => ({
        ...info,
        queuedBytes: subscriber.queuedBytes,
      })),
    }),
  );

  api.delete('/clients/:id', (c) => {
    const info = clients.get(Number(c.req.param('id')));
    if (!info) return problem(c, 404, `no connected client ${c.req.param('id')}`);
    info.subscriber.close('server');
    return c.json({ status: 'disconnected', id: info.id });
  });

  api.post('/session', (c) => {
    if (!auth.enabled) return c.json({ status: 'ok', auth: 'disabled' });
    if (c.get('credential') !== 'bearer') return problem(c, 401, 'a session needs "Authorization: Bearer <token>"');
    const session = auth.issueSession();
    setCookie(c, SESSION_COOKIE, session.value, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: session.maxAgeSeconds,
    });
    return c.json({ status: 'ok', expiresInSeconds: session.maxAgeSeconds });
  });

  api.post('/ticket', (c) => {
    if (!auth.enabled) return c.json({ status: 'ok', auth: 'disabled' });
    return c.json(auth.issueTicket());
  });

  registerDevRoutes(api, deps.dev, { problem, jsonBody, rateLimited });
  app.route('/api', api);

  app.all('/mcp', requireAuth(['bearer']), async (c) => {
    if (!deps.mcp) return problem(c, 404, 'MCP over HTTP is not enabled on this server');
    if (!['GET', 'POST', 'DELETE'].includes(c.req.method)) return problem(c, 405, 'use POST, GET or DELETE on /mcp');
    return deps.mcp.handle(c.req.raw);
  });

  app.get('/metrics', requireAuth(['bearer', 'cookie']), async (c) =>
    c.body(await metrics.metrics(), 200, { 'Content-Type': metrics.contentType }),
  );

  app.notFound((c) => problem(c, 404, `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    logger.error('request failed', { method: c.req.method, path: c.req.path, error: String(error) });
    return problem(c, 500, 'internal error');
  });
  return app;
}
