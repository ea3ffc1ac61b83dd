import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Config } from '../config/config.js';
import { WebstreamError } from './errors.js';
import type { Logger } from './logger.js';
import { answerProtocolErrors, requestErrorHandler } from './protocolErrors.js';

/** The node:http server of the app, with text answers to protocol errors and timeouts that suit SSE. */
export function createHttpServer(fetch: Parameters<typeof getRequestListener>[0], logger: Logger): Server {
  // overrideGlobalObjects: false keeps the platform Response, so the /stream route's "already sent"
  // marker is honoured (node-server's lightweight Response takes a path that ignores it).
  const listener = getRequestListener(fetch, {
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
  return server;
}

/** Listens on the configured host and port; returns the URL. `port_in_use` names the port and the flag. */
export async function listen(server: Server, config: Config): Promise<{ url: string; port: number }> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
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
  return { url: `http://${hostForUrl}:${port}`, port };
}
