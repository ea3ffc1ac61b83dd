import type { RedisBus } from '@ws/redis';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { BrowserApi } from '../api/browserApi.js';
import type { DevApi } from '../api/webstreamApi.js';
import type { Config } from '../config/config.js';
import { type PublishPolicy, publishPolicyOf } from '../limits/publishPolicy.js';
import type { McpSessions } from '../mcp/http/httpSessions.js';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';
import { type AppEnv, publisherOf } from './appEnv.js';
import { problem, retryLater } from './problem.js';
import { registerBrowserRoutes } from './routes/browserRoutes.js';
import { registerDevRoutes } from './routes/devRoutes.js';
import { createHealthRoute } from './routes/health.js';
import { mcpRoute } from './routes/mcpRoute.js';
import { createMetrics } from './routes/metrics.js';
import { registerPushRoutes } from './routes/pushRoutes.js';
import { registerSessionRoutes } from './routes/sessionRoutes.js';
import { registerStaticRoutes } from './routes/staticRoutes.js';
import { registerStreamApiRoutes } from './routes/streamApiRoutes.js';
import { type Auth, createAuth } from './security/auth.js';
import { createAuthGate } from './security/authGate.js';
import { createClientAddressResolver } from './security/clientAddress.js';
import { cors, corsHeaders, hostCheck, sameOrigin } from './security/guards.js';
import { createHostGuard } from './security/hostRules.js';
import type { DashboardAssets } from './static/dashboardAssets.js';
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
  /** Dev processes: /api/scripts, /api/processes, /api/logs, /api/errors (absent: those answer 404). */
  dev?: DevApi;
  /** Proxies, page telemetry, REPL, timeline: /api/proxy/*, /api/telemetry/*, /api/timeline (absent: 404). */
  browser?: BrowserApi | undefined;
  /** The folder whose dev processes this server supervises, for /health. */
  project?: string;
  /** The built dashboard, served at / (absent: the minimal live page). */
  dashboard?: DashboardAssets;
  /** The Redis bus, when scaled out: its state is in /health and /metrics. */
  redis?: RedisBus;
  /** Publishing limits, shared with the MCP tools. Default: built from `config`. */
  publishPolicy?: PublishPolicy;
}

/** Builds the HTTP app: security middleware, then the route modules. Routes: /, /stream, /api/*, /mcp, /health, /metrics. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, service, logger } = deps;
  const auth = deps.auth ?? createAuth(config.token);
  const gate = createAuthGate(auth);
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

  app.get(
    '/health',
    createHealthRoute({ service, guard, redis: deps.redis, version: deps.version, project: deps.project }),
  );
  registerStaticRoutes(app, deps.dashboard);
  app.get('/stream', createStreamRoute({ service, gate, clients, config, corsHeaders: (c) => corsHeaders(guard, c) }));

  const api = new Hono<AppEnv>();
  api.use('*', gate.require(['bearer', 'cookie']));
  const limitPublish: MiddlewareHandler<AppEnv> = async (c, next) => {
    const decision = policy.check(publisherOf(c));
    return decision.ok ? next() : retryLater(c, 429, decision.message, decision.retryAfterSeconds);
  };
  registerPushRoutes(api, { service, maxBodyBytes: config.maxBodyBytes, limitPublish });
  registerStreamApiRoutes(api, { service, clients });
  registerSessionRoutes(api, auth);
  registerDevRoutes(api, deps.dev, { maxBodyBytes: config.maxBodyBytes, limitPublish });
  registerBrowserRoutes(api, deps.browser, { maxBodyBytes: config.maxBodyBytes, limitPublish });
  app.route('/api', api);

  app.all('/mcp', gate.require(['bearer']), mcpRoute(deps.mcp));
  const metrics = deps.metrics ?? createMetrics(service, deps.redis);
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
