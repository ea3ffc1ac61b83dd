import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { DEFAULT_MAX_BODY_BYTES } from './bodyCapture.js';
import { ProxyError } from './errors.js';
import { onTargetRequest, onTargetResponse, startHttpExchange } from './httpExchange.js';
import { DEFAULT_MAX_INJECT_BYTES, type InjectOptions } from './pageInjector.js';
import type { ProxyContext } from './proxyContext.js';
import { redactionSet } from './redact.js';
import { createRequestStore, type RequestStore } from './requestStore.js';
import { onWsClientError, onWsTargetRequest, startWsExchange } from './wsExchange.js';

/** Default wait for the target's response headers (or WebSocket handshake): 60 s. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Requests under a reserved prefix are handled here, on the page's own origin, instead of being forwarded. */
export interface ReservedPath {
  /** Path prefix, starting and ending with `/` (`/__webstream/`); the path without its last `/` matches too. */
  prefix: string;
  /** Handles an HTTP request (SSE works: the raw response is yours). Not recorded. A returned promise that rejects is handled like a throw. */
  handle(req: IncomingMessage, res: ServerResponse): unknown;
  /** Handles a WebSocket upgrade under the prefix. Default: answered 404. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Options of {@link createDevProxy}. */
export interface DevProxyOptions {
  /** The dev server, an absolute http(s) URL (`http://localhost:5173`, a path is kept for `url`). Required. */
  target: string | URL;
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number | undefined;
  /** Tag put on every record (the runner's process id). Default null. */
  processId?: string | null | undefined;
  /** Where requests are recorded; share one store between proxies. Default: a new store with default limits. */
  store?: RequestStore | undefined;
  /** Header names redacted in records besides `authorization`, `cookie`, `set-cookie`, `proxy-authorization`. */
  redactHeaders?: readonly string[] | undefined;
  /** Record request and response bodies (text types only, capped at `maxBodyBytes`). Default false. */
  recordBodies?: boolean | undefined;
  /** Most bytes of each body kept when `recordBodies` is on. Default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number | undefined;
  /** Inserts HTML into `text/html` pages (see the README for the CSP changes). Default null: pages untouched. */
  inject?: InjectOptions | null | undefined;
  /** Most bytes of a page buffered to inject into; a larger page passes through untouched. Default 5 MiB. */
  maxInjectBytes?: number | undefined;
  /** A path served by `handle` on the proxy's origin instead of the target. Default null. */
  reserved?: ReservedPath | null | undefined;
  /** Wait for the target's response headers before answering 504; null waits forever. Default 60 s. */
  timeoutMs?: number | null | undefined;
  /** Send the target's host as `Host` instead of the proxy's. Default false (the dev server sees the browser's host). */
  changeOrigin?: boolean | undefined;
  /** Called with unexpected internal errors (a throwing `reserved.handle`). Default: printed to stderr. */
  onError?: ((error: Error) => void) | undefined;
}

/** A running proxy. */
export interface DevProxy {
  /** The page to open: the proxy origin plus the target's path and query (`http://127.0.0.1:41234/`). */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  /** The target origin requests go to (`http://localhost:5173`). */
  readonly target: string;
  readonly processId: string | null;
  readonly store: RequestStore;
  /** Stops listening, ends every connection (WebSocket tunnels and reserved-path streams too), finalizes in-flight records. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a recording reverse proxy on 127.0.0.1 in front of one dev server: HTTP and WebSocket upgrades
 * are forwarded (http-proxy-3), every exchange is recorded in `store`, HTML pages get `inject.html`, and
 * `reserved.prefix` is served by `reserved.handle`. Throws {@link ProxyError} for bad options
 * (`invalid_option`, `invalid_target`) and a port that cannot be bound (`listen_failed`).
 */
export async function createDevProxy(options: DevProxyOptions): Promise<DevProxy> {
  const targetUrl = parseTarget(options.target);
  const reserved = validateReserved(options.reserved ?? null);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ProxyError('invalid_option', `port must be an integer from 0 to 65535 (got ${port})`);
  const ctx = createContext(options, targetUrl);
  const sockets = new Set<Duplex>();
  const server = http.createServer();
  const isReserved = reservedMatcher(reserved?.prefix);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (reserved && isReserved(req.url)) runReserved(ctx, reserved, req, res);
    else startHttpExchange(ctx, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (reserved && isReserved(req.url)) {
      if (reserved.upgrade) reserved.upgrade(req, socket, head);
      else rejectUpgrade(socket, 404, 'no WebSocket endpoint here');
    } else if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      rejectUpgrade(socket, 400, 'only WebSocket upgrades are proxied');
    } else startWsExchange(ctx, req, socket, head);
  });
  const listenPort = await listen(server, port);
  ctx.origin = `http://127.0.0.1:${listenPort}`;
  ctx.scriptSource = reserved ? `${ctx.origin}${reserved.prefix}` : null;
  server.on('error', (error) => ctx.onError(error));
  let closing: Promise<void> | null = null;
  return {
    url: `${ctx.origin}${targetUrl.pathname}${targetUrl.search}`,
    origin: ctx.origin,
    port: listenPort,
    target: ctx.target,
    processId: ctx.processId,
    store: ctx.store,
    close() {
      closing ??= closeAll(ctx, server, sockets);
      return closing;
    },
  };
}

function createContext(options: DevProxyOptions, targetUrl: URL): ProxyContext {
  const proxy = createProxyServer();
  const agent =
    targetUrl.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, rejectUnauthorized: false })
      : new http.Agent({ keepAlive: true });
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.timeoutMs;
  if (timeoutMs !== null) positive('timeoutMs', timeoutMs);
  const ctx: ProxyContext = {
    proxy,
    store: options.store ?? createRequestStore(),
    agent,
    target: targetUrl.origin,
    origin: '',
    processId: options.processId ?? null,
    redacted: redactionSet(options.redactHeaders),
    maxBodyBytes: options.recordBodies
      ? positive('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
      : null,
    inject: options.inject ?? null,
    maxInjectBytes: positive('maxInjectBytes', options.maxInjectBytes ?? DEFAULT_MAX_INJECT_BYTES),
    scriptSource: null,
    timeoutMs,
    changeOrigin: options.changeOrigin ?? false,
    closing: false,
    upstreamSockets: new Set(),
    live: new Set(),
    onError: options.onError ?? ((error) => console.error('[webstream proxy]', error)),
  };
  proxy.on('proxyReq', (proxyReq, req) => onTargetRequest(proxyReq, req));
  proxy.on('proxyRes', (proxyRes, req) => onTargetResponse(ctx, proxyRes, req));
  proxy.on('proxyReqWs', (proxyReq, req) => onWsTargetRequest(ctx, proxyReq, req));
  // Web errors reach the per-request callback; this gets client-socket errors of WebSocket tunnels.
  proxy.on('error', (_error, req) => onWsClientError(req));
  proxy.on('econnreset', () => {});
  return ctx;
}

function runReserved(ctx: ProxyContext, reserved: ReservedPath, req: IncomingMessage, res: ServerResponse): void {
  const fail = (error: unknown) => {
    ctx.onError(error instanceof Error ? error : new Error(String(error)));
    if (res.headersSent) res.destroy();
    else
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('webstream proxy: the handler failed\n');
  };
  try {
    const result = reserved.handle(req, res);
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') Promise.resolve(result).catch(fail);
  } catch (error) {
    fail(error);
  }
}

async function closeAll(ctx: ProxyContext, server: http.Server, sockets: Set<Duplex>): Promise<void> {
  ctx.closing = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  for (const socket of ctx.upstreamSockets) socket.destroy();
  ctx.agent.destroy();
  await closed;
  // Finalizers are scheduled with setImmediate on socket close; run any that are left now.
  await new Promise((resolve) => setImmediate(resolve));
  for (const finalize of [...ctx.live]) finalize();
}

function rejectUpgrade(socket: Duplex, status: 400 | 404, message: string): void {
  const body = `webstream proxy: ${message}\n`;
  const reason = status === 400 ? 'Bad Request' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new ProxyError('listen_failed', `cannot listen on 127.0.0.1:${port}: ${error.message}`, { cause: error })),
    );
    server.listen(port, '127.0.0.1', () => {
      server.removeAllListeners('error');
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function parseTarget(target: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(target));
  } catch {
    throw new ProxyError(
      'invalid_target',
      `target must be an absolute http(s) URL such as http://localhost:5173 (got "${target}")`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxyError('invalid_target', `target must use http: or https: (got "${url.protocol}" in "${target}")`);
  return url;
}

function validateReserved(reserved: ReservedPath | null): ReservedPath | null {
  if (!reserved) return null;
  const { prefix } = reserved;
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length < 3)
    throw new ProxyError(
      'invalid_option',
      `reserved.prefix must start and end with "/", like "/__webstream/" (got "${prefix}")`,
    );
  if (typeof reserved.handle !== 'function')
    throw new ProxyError('invalid_option', 'reserved.handle must be a function');
  return reserved;
}

function reservedMatcher(prefix: string | undefined): (url: string | undefined) => boolean {
  if (!prefix) return () => false;
  const bare = prefix.slice(0, -1);
  return (url = '/') => url.startsWith(prefix) || url === bare || url.startsWith(`${bare}?`);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ProxyError('invalid_option', `${name} must be a positive number (got ${value})`);
  return value;
}
