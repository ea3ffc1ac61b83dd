import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createRedisBus } from '@ws/redis';
import type { Hono } from 'hono';
import type { Config } from '../config/config.js';
import { createDevService, type DevService } from '../dev/devEvents.js';
import { createApp } from '../http/app.js';
import { loadDashboard } from '../http/static/dashboardAssets.js';
import { type PublishPolicy, publishPolicyOf } from '../limits/publishPolicy.js';
import { createMcpSessions, type McpSessions } from '../mcp/http/httpSessions.js';
import { redisSessionLogs } from '../mcp/http/sessionEventLogs.js';
import { createStreamService, type StreamService } from '../stream/streamService.js';
import { WebstreamError } from './errors.js';
import type { Logger } from './logger.js';
import { answerProtocolErrors, requestErrorHandler } from './protocolErrors.js';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  service: StreamService;
  dev: DevService;
  mcp: McpSessions;
  /** The publishing limits of HTTP and of /mcp's push_stream; hand it to an MCP server on stdio too. */
  publishPolicy: PublishPolicy;
  app: Hono;
  server: Server;
  /** Ends every stream (flushing queues), stops listening. */
  close(): Promise<void>;
}

/** Starts the HTTP server. Rejects with `port_in_use` (naming the port and the flag) if the port is taken. */
export async function startServer(config: Config, logger: Logger, version = '0.0.0'): Promise<RunningServer> {
  let redisUp = false;
  const redis = config.redis
    ? createRedisBus({
        url: config.redis,
        stream: config.redisStream,
        maxLen: config.redisMaxLen,
        onStateChange: (s) => {
          // Log transitions of `up` only: each connection reports its own steps.
          if (s.up === redisUp) return;
          redisUp = s.up;
          if (s.up) logger.info('redis connected', { ...s });
          else logger.warn('redis unavailable, reconnecting; publishing answers 503 meanwhile', { ...s });
        },
      })
    : undefined;
  if (redis) {
    const ready = await Promise.race([
      redis.ready().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref()),
    ]);
    if (!ready) logger.warn(`redis at ${config.redis} is not reachable yet; publishing answers 503 until it is`);
  }
  const service = createStreamService({
    historySize: redis ? config.redisMaxLen : config.historySize,
    bus: redis,
    hub: {
      maxConnections: config.maxConnections,
      heartbeatIntervalMs: config.heartbeatMs,
      maxQueueBytes: config.maxQueueBytes,
      onError: (error) => logger.error('hub error', { error: String(error) }),
    },
  });
  const dev = createDevService({
    cwd: config.cwd,
    stream: service,
    logger,
    logCapacity: config.logCapacity,
    stopGraceMs: config.stopGraceMs,
  });
  const publishPolicy = publishPolicyOf(config);
  const mcp = createMcpSessions({
    service,
    publishPolicy,
    dev,
    logger,
    version,
    maxBodyBytes: config.maxBodyBytes,
    maxSessions: config.maxMcpSessions,
    sessionEvents: config.mcpSessionEvents,
    pingIntervalMs: config.mcpPingMs,
    logs: redis ? redisSessionLogs(redis.connection, { prefix: config.redisStream }) : undefined,
    retryMs: 2000,
  });
  const dashboard = loadDashboard();
  if (!dashboard) logger.warn('dashboard not built (pnpm build); serving the minimal live page at /');
  const app = createApp({ config, service, logger, version, mcp, dev, dashboard, redis, publishPolicy });
  // overrideGlobalObjects: false keeps the platform Response, so the /stream route's "already sent"
  // marker is honoured (node-server's lightweight Response takes a path that ignores it).
  const listener = getRequestListener(app.fetch, {
    overrideGlobalObjects: false,
    errorHandler: requestErrorHandler(logger),
  });
  // requireHostHeader: false lets a request without Host reach the request error handler, which says what
  // is missing (Node's own 400 has an empty body).
  const server = createServer({ requireHostHeader: false }, listener);
  answerProtocolErrors(server);
  // SSE responses live long; the request timeout must not cut them (it only bounds receiving the request).
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all([mcp.close(), dev.close(), service.close()]);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new WebstreamError(
        'port_in_use',
        `port ${config.port} on ${config.host} is already in use (is another webstream running?); choose another with --port <n> or WEBSTREAM_PORT`,
        { cause: error },
      );
    }
    throw new WebstreamError('listen_failed', `cannot listen on ${config.host}:${config.port}: ${e.message}`, {
      cause: error,
    });
  }
  const { port } = server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    service,
    dev,
    mcp,
    publishPolicy,
    app: app as unknown as Hono,
    server,
    async close() {
      await mcp.close();
      await dev.close();
      await service.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
