import { ChannelSchema, PushInputSchema } from '@ws/events';
import type { RedisBus } from '@ws/redis';
import { Hono, type MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { DevService } from '../dev/devEvents.js';
import { type PublishPolicy, publishPolicyOf } from '../limits/publishPolicy.js';
import type { McpSessions } from '../mcp/http/httpSessions.js';
import { setMcpCaller } from '../mcp/http/mcpCaller.js';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';
import { type AppEnv, publisherOf } from './appEnv.js';
import { readJsonBody } from './body/requestBody.js';
import { problem, retryLater, unavailable } from './problem.js';
import { registerDevRoutes } from './routes/devRoutes.js';
import { createHealthRoute } from './routes/health.js';
import { createMetrics } from './routes/metrics.js';
import { type Auth, createAuth, SESSION_COOKIE } from './security/auth.js';
import { createAuthGate } from './security/authGate.js';
import { createClientAddressResolver } from './security/clientAddress.js';
import { cors, corsHeaders, hostCheck, sameOrigin } from './security/guards.js';
import { createHostGuard } from './security/hostRules.js';
import type { DashboardAssets } from './static/dashboardAssets.js';
import { PAGE_CSP, PAGE_HTML, PAGE_JS } from './static/livePage.js';
import { createClientRegistry } from './stream/clientRegistry.js';
import { createStreamRoute } from './stream/streamRoute.js';

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
  /** Publishing limits, shared with the MCP tools. Default: built from `config`. */
  publishPolicy?: PublishPolicy;
}

const AckSchema = z.object({
  id: z.string().min(1).max(256),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'clientId must be 1-128 letters, digits, "_", ".", ":" or "-"'),
});

const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));

/** Builds the HTTP app. Routes: /, /stream, /api/*, /mcp, /health, /metrics. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, service, logger } = deps;
  const auth = deps.auth ?? createAuth(config.token);
  const gate = createAuthGate(auth);
  const metrics = deps.metrics ?? createMetrics(service, deps.redis);
  const guard = createHostGuard(config);
  const policy = deps.publishPolicy ?? publishPolicyOf(config);
  const resolver = createClientAddressResolver(config.trustProxy);
  const clients = createClientRegistry();
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set(
      'client',
      resolver.resolve({ socketAddress: c.env?.incoming?.socket.remoteAddress, headers: c.req.raw.headers }),
    );
    return next();
  });
  app.use('*', hostCheck(guard));
  for (const path of ['/api/*', '/stream', '/mcp']) app.use(path, cors(guard));
  app.use('/api/*', sameOrigin(guard));
  app.use('/mcp', sameOrigin(guard));

  app.get('/health', createHealthRoute({ service, guard, redis: deps.redis, version: deps.version }));

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

  app.get('/stream', createStreamRoute({ service, gate, clients, config, corsHeaders: (c) => corsHeaders(guard, c) }));

  const api = new Hono<AppEnv>();
  api.use('*', gate.require(['bearer', 'cookie']));

  const limitPublish: MiddlewareHandler<AppEnv> = async (c, next) => {
    const decision = policy.check(publisherOf(c));
    return decision.ok ? next() : retryLater(c, 429, decision.message, decision.retryAfterSeconds);
  };
  const maxBytes = config.maxBodyBytes;

  api.post('/push', limitPublish, async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes,
      example: '{"message": "deployment completed"}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
    const input = PushInputSchema.safeParse(body.value);
    if (!input.success) return problem(c, 400, 'invalid message', { issues: issuesOf(input.error) });
    try {
      const result = await service.push(input.data);
      return c.json({ status: 'success', ...result });
    } catch (error) {
      const refused = unavailable(c, error, 'message not accepted');
      if (refused) return refused;
      throw error;
    }
  });

  api.post('/ack', limitPublish, async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes,
      example: '{"id": "<event id>", "clientId": "tab-1"}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
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
    try {
      return c.json({ messages: await service.history({ channel, limit }) });
    } catch (error) {
      const refused = unavailable(c, error, 'history not available');
      if (refused) return refused;
      throw error;
    }
  });

  api.get('/clients', (c) =>
    c.json({
      clients: clients.list().map(({ subscriber, ...info }) => ({ ...info, queuedBytes: subscriber.queuedBytes })),
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

  registerDevRoutes(api, deps.dev, { maxBodyBytes: maxBytes, limitPublish });
  app.route('/api', api);

  app.all('/mcp', gate.require(['bearer']), async (c) => {
    if (!deps.mcp) return problem(c, 404, 'MCP over HTTP is not enabled on this server');
    if (!['GET', 'POST', 'DELETE'].includes(c.req.method)) return problem(c, 405, 'use POST, GET or DELETE on /mcp');
    // push_stream limits by who called: the transport hands this to tool handlers (see mcpCaller.ts).
    setMcpCaller(c.req.raw, publisherOf(c));
    return deps.mcp.handle(c.req.raw);
  });

  app.get('/metrics', gate.require(['bearer', 'cookie']), async (c) =>
    c.body(await metrics.metrics(), 200, { 'Content-Type': metrics.contentType }),
  );

  app.notFound((c) => problem(c, 404, `no route ${c.req.method} ${c.req.path}`));
  // Last resort: every bad input has its own 4xx above, so reaching this is a bug; it is logged.
  app.onError((error, c) => {
    logger.error('request failed', { method: c.req.method, path: c.req.path, error: String(error) });
    return problem(c, 500, 'internal error');
  });
  return app;
}
