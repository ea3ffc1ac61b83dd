import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Config } from '../config/config.js';
import { WebstreamError } from './errors.js';
import type { Logger } from './logger.js';
import { answerProtocolErrors, requestErrorHandler } from './protocolErrors.js';

type FetchCallback = Parameters<typeof getRequestListener>[0];

/**
 * The platform's own `Response` class. @hono/node-server replaces the global with a lightweight
 * subclass (whose answers skip building a web ReadableStream: a push costs a third of what it did),
 * but only a platform instance takes the path that honours the "already sent" marker.
 */
const PlatformResponse: typeof Response =
  Object.getPrototypeOf(Response) === Function.prototype ? Response : Object.getPrototypeOf(Response);
const ALREADY_SENT = new PlatformResponse(null, { headers: { 'x-hono-already-sent': '1' } });

/**
 * `fetch`, except that a request whose route wrote its own answer to the Node response (the SSE
 * stream, a refusal written by the sink) is reported as already sent, whatever the app returned.
 */
function ownAnswers(fetch: FetchCallback): FetchCallback {
  const settle = (res: Response, env: unknown): Response =>
    (env as { outgoing?: ServerResponse } | undefined)?.outgoing?.headersSent ? ALREADY_SENT : res;
  return (req, env) => {
    const res = fetch(req, env);
    return res instanceof Promise ? res.then((r: Response) => settle(r, env)) : settle(res as Response, env);
  };
}

/** The node:http server of the app, with text answers to protocol errors and timeouts that suit SSE. */
export function createHttpServer(fetch: FetchCallback, logger: Logger): Server {
  const listener = getRequestListener(ownAnswers(fetch), { errorHandler: requestErrorHandler(logger) });
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
