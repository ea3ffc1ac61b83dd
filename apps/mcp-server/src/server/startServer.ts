import type { Server } from 'node:http';
import type { Hono } from 'hono';
import { createLocalApi } from '../api/localApi.js';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { type BrowserService, createBrowserService } from '../browser/browserService.js';
import type { Config } from '../config/config.js';
import { createDevService, type DevService } from '../dev/devEvents.js';
import { createApp } from '../http/app.js';
import { loadDashboard } from '../http/static/dashboardAssets.js';
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
  app: Hono;
  server: Server;
  /** Ends every stream (flushing queues), stops listening. */
  close(): Promise<void>;
}

/** Starts the HTTP server. Rejects with `port_in_use` (naming the port and the flag) if the port is taken. */
export async function startServer(config: Config, logger: Logger, version = '0.0.0'): Promise<RunningServer> {
  const { service, redis } = await createStreamBackend(config, logger);
  const dev = createDevService({
    cwd: config.cwd,
    stream: service,
    logger,
    logCapacity: config.logCapacity,
    stopGraceMs: config.stopGraceMs,
  });
  const browser = createBrowserService({ config, dev, stream: service, logger });
  const publishPolicy = publishPolicyOf(config);
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
  });
  const server = createHttpServer(app.fetch, logger);
  const closeAll = async () => {
    await mcp.close();
    await browser.close();
    await dev.close();
    await service.close();
  };
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
    app: app as unknown as Hono,
    server,
    async close() {
      await closeAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
