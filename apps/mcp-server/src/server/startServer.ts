import type { Server } from 'node:http';
import type { Hono } from 'hono';
import { createLocalApi } from '../api/localApi.js';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { type ServerBridges, startBridges } from '../bridges/serverBridges.js';
import { type BrowserService, createBrowserService } from '../browser/browserService.js';
import type { Config } from '../config/config.js';
import { createDevService, type DevService } from '../dev/devEvents.js';
import { createApp } from '../http/app.js';
import { type Access, accessOf, authOf } from '../http/security/accessOf.js';
import { loadDashboard } from '../http/static/dashboardAssets.js';
import { createUpgradeListener } from '../http/ws/upgradeListener.js';
import { createWsEndpoint } from '../http/ws/wsEndpoint.js';
import { type PublishPolicy, publishPolicyOf } from '../limits/publishPolicy.js';
import { createMcpSessions, type McpSessions } from '../mcp/http/httpSessions.js';
import { hubDevEvents } from '../mcp/http/hubDevEvents.js';
import { redisTaskRecords } from '../mcp/http/redisTaskRecords.js';
import { redisSessionLogs } from '../mcp/http/sessionEventLogs.js';
import type { StreamService } from '../stream/streamService.js';
import { createHttpServer, listen } from './httpServer.js';
import type { Logger } from './logger.js';
import { createStreamBackend } from './streamBackend.js';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  service: StreamService;
  dev: DevService;
  /** The proxies in front of dev servers and the page telemetry. */
  browser: BrowserService;
  mcp: McpSessions;
  /** What the MCP tools act on: this server's stream and dev processes, within its publish policy. */
  api: WebstreamApi;
  /** The publishing limits of HTTP and of /mcp's push_stream. */
  publishPolicy: PublishPolicy;
  /** The message-queue bridges (`--bridges`). */
  bridges: ServerBridges;
  /** The access rules (shared token, JWT claims, anonymous subscribe): `access.authorize(request, action, channels)`. */
  access: Access;
  app: Hono;
  server: Server;
  /** Ends every stream (flushing queues), stops listening. */
  close(): Promise<void>;
}

/** Starts the bridges; if their config is refused, closes what was started and rethrows. */
async function startBridgesOrClose(
  config: Config,
  deps: Parameters<typeof startBridges>[1] & { service: StreamService },
  dev: DevService,
): Promise<ServerBridges> {
  try {
    return await startBridges(config.bridges, deps);
  } catch (error) {
    await dev.close();
    await deps.service.close();
    throw error;
  }
}

/** The dev-process service for `--cwd`, with the configured log capacity and stop grace. */
function devServiceOf(config: Config, service: StreamService, logger: Logger): DevService {
  return createDevService({
    cwd: config.cwd,
    stream: service,
    logger,
    logCapacity: config.logCapacity,
    stopGraceMs: config.stopGraceMs,
  });
}

/**
 * Closes each part in order; one that fails is logged and the rest still close (a failing bridge must
 * not leave dev processes running). Rejects with the first failure once all have been tried.
 */
export async function closeInOrder(parts: readonly { close(): Promise<void> }[], logger: Logger): Promise<void> {
  let first: unknown;
  for (const part of parts) {
    try {
      await part.close();
    } catch (error) {
      logger.error(`closing: ${(error as Error)?.message ?? String(error)}`);
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

/** Starts the HTTP server. Rejects with `port_in_use` (naming the port and the flag) if the port is taken. */
export async function startServer(config: Config, logger: Logger, version = '0.0.0'): Promise<RunningServer> {
  const { service, redis } = await createStreamBackend(config, logger);
  const dev = devServiceOf(config, service, logger);
  const publishPolicy = publishPolicyOf(config);
  const auth = authOf(config);
  const access = accessOf(config, auth);
  const bridges = await startBridgesOrClose(config, { service, policy: publishPolicy, logger }, dev);
  const browser = createBrowserService({ config, dev, stream: service, logger });
  const api = createLocalApi({ service, dev, publishPolicy, browser });
  const mcp = createMcpSessions({
    api,
    logger,
    version,
    maxBodyBytes: config.maxBodyBytes,
    maxSessions: config.maxMcpSessions,
    sessionEvents: config.mcpSessionEvents,
    pingIntervalMs: config.mcpPingMs,
    logs: redis ? redisSessionLogs(redis.connection, { prefix: config.redisStream }) : undefined,
    devEvents: hubDevEvents(service.hub),
    channels: config.channels,
    taskRecords: redis ? redisTaskRecords(redis.connection, config.redisStream) : undefined,
  });
  const dashboard = loadDashboard();
  if (!dashboard) logger.warn('dashboard not built (pnpm build); serving the minimal live page at /');
  const ws = createWsEndpoint({ maxPayload: config.maxBodyBytes, keepAliveMs: config.heartbeatMs });
  const app = createApp({
    config,
    service,
    logger,
    version,
    mcp,
    dev: api.dev,
    browser: api.browser,
    project: dev.runner.cwd,
    dashboard,
    redis,
    publishPolicy,
    ws,
    bridges,
    auth,
    access,
  });
  const server = createHttpServer(app.fetch, logger);
  server.on('upgrade', createUpgradeListener(app.fetch, logger));
  const closeAll = () => closeInOrder([bridges, mcp, browser, dev, service, ws], logger);
  let address: { url: string; port: number };
  try {
    address = await listen(server, config);
  } catch (error) {
    await closeAll();
    throw error;
  }
  await browser.start(address.port);
  return {
    ...address,
    service,
    dev,
    browser,
    mcp,
    api,
    publishPolicy,
    bridges,
    access,
    app: app as unknown as Hono,
    server,
    async close() {
      await closeAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
