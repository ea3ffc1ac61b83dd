import type { RedisBus } from '@ws/redis';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { BrowserApi } from '../api/browserApi.js';
import { createLocalStreamApi } from '../api/localStreamApi.js';
import type { DevApi } from '../api/webstreamApi.js';
import type { ServerBridges } from '../bridges/serverBridges.js';
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
import { registerSubscriptionRoutes } from './routes/subscriptionRoutes.js';
import { type Access, accessOf, authOf } from './security/accessOf.js';
import type { Auth } from './security/auth.js';
import { createAuthGate } from './security/authGate.js';
import { createClientAddressResolver } from './security/clientAddress.js';
import { cors, corsHeaders, hostCheck, sameOrigin } from './security/guards.js';
import { createHostGuard } from './security/hostRules.js';
import { scopeGuard } from './security/scopeGuard.js';
import type { DashboardAssets } from './static/dashboardAssets.js';
import { createClientRegistry } from './stream/clientRegistry.js';
import { createStreamRoute } from './stream/streamRoute.js';
import type { WsEndpoint } from './ws/wsEndpoint.js';
import { createWsRoute } from './ws/wsRoute.js';

/** What {@link createApp} needs. */
export interface AppDeps {
  config: Config;
  service: StreamService;
  logger: Logger;
  /** Default: built from `config.token` and the JWT options. */
  auth?: Auth;
  /** Default: built from `auth` and the JWT options. */
  access?: Access;
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
  /** The message-queue bridges: their state is in /health and /metrics. */
  bridges?: ServerBridges;
  /** Publishing limits, shared with the MCP tools. Default: built from `config`. */
  publishPolicy?: PublishPolicy;
  /** WebSockets at /ws (absent: /ws answers 404); the server's `upgrade` listener hands sockets to the app. */
  ws?: WsEndpoint;
}

/** Builds the HTTP app: security middleware, then the route modules. Routes: /, /stream, /ws, /api/*, /mcp, /health, /metrics. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, service, logger } = deps;
  const auth = deps.auth ?? authOf(config);
  const access = deps.access ?? accessOf(config, auth);
  const gate = createAuthGate(auth, access);
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
    createHealthRoute({
      service,
      guard,
      redis: deps.redis,
      bridges: deps.bridges,
      version: deps.version,
      project: deps.project,
    }),
  );
  registerStaticRoutes(app, deps.dashboard);
  app.get('/stream', createStreamRoute({ service, gate, clients, config, corsHeaders: (c) => corsHeaders(guard, c) }));
  if (deps.ws) {
    const stream = createLocalStreamApi(service, policy);
    const onError = (error: unknown) => logger.error('ws message failed', { error: String(error) });
    const session = { hub: service.hub, stream, service, identities: service.deliveries.identities, policy, onError };
    app.get('/ws', sameOrigin(guard), createWsRoute({ endpoint: deps.ws, gate, clients, service, config, session }));
  }

  const api = new Hono<AppEnv>();
  api.use('*', gate.require(['bearer', 'cookie']), scopeGuard());
  const limitPublish: MiddlewareHandler<AppEnv> = async (c, next) => {
    const decision = policy.check(publisherOf(c));
    if (decision.ok) return next();
    return decision.status === 403
      ? problem(c, 403, decision.message)
      : retryLater(c, 429, decision.message, decision.retryAfterSeconds);
  };
  registerPushRoutes(api, { service, maxBodyBytes: config.maxBodyBytes, limitPublish });
  registerStreamApiRoutes(api, { service, clients });
  registerSubscriptionRoutes(api, { hub: service.hub, clients, maxBodyBytes: config.maxBodyBytes });
  registerSessionRoutes(api, auth);
  registerDevRoutes(api, deps.dev, { maxBodyBytes: config.maxBodyBytes, limitPublish });
  registerBrowserRoutes(api, deps.browser, { maxBodyBytes: config.maxBodyBytes, limitPublish });
  app.route('/api', api);

  app.all('/mcp', gate.require(['bearer']), scopeGuard(), mcpRoute(deps.mcp));
  const metrics = deps.metrics ?? createMetrics(service, deps.redis, deps.bridges);
  app.get('/metrics', gate.require(['bearer', 'cookie']), scopeGuard(), async (c) =>
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
