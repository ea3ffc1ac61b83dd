import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { classifyTargetError, failureResponse, observedFailure, TargetTimeoutError } from './failure.js';
import { elapsedMs, forwardOptions, newRecord, type ProxyContext } from './proxyContext.js';
import { redactHeaders } from './redact.js';
import type { ProxyFailure } from './requestRecord.js';

/** One WebSocket upgrade through the proxy: the handshake, then the tunnel until either side closes. */
interface WsExchange {
  readonly id: string;
  readonly socket: Duplex;
  readonly t0: number;
  readonly bytesAtStart: { read: number; written: number };
  readonly finalize: () => void;
  proxyReq: ClientRequest | null;
  timer: NodeJS.Timeout | null;
  upgraded: boolean;
  socketClosed: boolean;
  /** The client socket closed because `close()` was called. */
  closedByProxy: boolean;
  status: number | null;
  failure: ProxyFailure | null;
  finalized: boolean;
}

const exchanges = new WeakMap<IncomingMessage, WsExchange>();

/** Records an upgrade request and tunnels it to the target. */
export function startWsExchange(ctx: ProxyContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const record = ctx.store.add({
    ...newRecord(ctx, req, 'websocket'),
    requestHeaders: redactHeaders(req.headers, ctx.redacted),
  });
  const net = socket as Partial<Socket>;
  const ex: WsExchange = {
    id: record.id,
    socket,
    t0: performance.now(),
    bytesAtStart: { read: (net.bytesRead ?? 0) - head.length, written: net.bytesWritten ?? 0 },
    finalize: () => finalize(ctx, ex),
    proxyReq: null,
    timer: null,
    upgraded: false,
    socketClosed: false,
    closedByProxy: false,
    status: null,
    failure: null,
    finalized: false,
  };
  exchanges.set(req, ex);
  ctx.live.add(ex.finalize);
  socket.on('close', () => {
    ex.socketClosed = true;
    ex.closedByProxy = ctx.closing;
    setImmediate(ex.finalize);
  });
  if (ctx.timeoutMs !== null) {
    ex.timer = setTimeout(() => {
      ex.timer = null;
      const error = new TargetTimeoutError(`no handshake response within ${ctx.timeoutMs} ms`);
      if (ex.proxyReq) ex.proxyReq.destroy(error);
      else fail(ctx, ex, classifyTargetError(error));
    }, ctx.timeoutMs).unref();
  }
  ctx.proxy.ws(req, socket, head, forwardOptions(ctx), (error) => onWsError(ctx, ex, error as Error));
}

/** `proxyReqWs` event: watch the handshake's outcome. */
export function onWsTargetRequest(ctx: ProxyContext, proxyReq: ClientRequest, req: IncomingMessage): void {
  const ex = exchanges.get(req);
  if (!ex) return;
  ex.proxyReq = proxyReq;
  proxyReq.on('upgrade', (proxyRes: IncomingMessage, proxySocket: Duplex) => {
    clearTimer(ex);
    ex.upgraded = true;
    ex.status = 101;
    ctx.upstreamSockets.add(proxySocket);
    proxySocket.on('close', () => ctx.upstreamSockets.delete(proxySocket));
    ctx.store.update(ex.id, { status: 101, responseHeaders: redactHeaders(proxyRes.headers, ctx.redacted) });
  });
  proxyReq.on('response', (proxyRes: IncomingMessage) => {
    // The target refused the upgrade with a plain HTTP response, which http-proxy-3 relays.
    clearTimer(ex);
    ex.status = proxyRes.statusCode ?? null;
    ctx.store.update(ex.id, {
      status: ex.status,
      contentType: proxyRes.headers['content-type'] ?? null,
      responseHeaders: redactHeaders(proxyRes.headers, ctx.redacted),
    });
  });
}

/** `error` event of the proxy for a WebSocket: an error on the client socket. */
export function onWsClientError(req: IncomingMessage): void {
  const ex = exchanges.get(req);
  if (ex && !ex.upgraded && !ex.failure) ex.failure = observedFailure('client_aborted');
}

function onWsError(ctx: ProxyContext, ex: WsExchange, error: Error): void {
  clearTimer(ex);
  if (ex.failure) return;
  if (ex.upgraded) {
    // The tunnel broke (a dev server restart ends its hot-reload socket this way).
    ex.failure = ctx.closing ? observedFailure('proxy_closed') : { kind: 'upstream_aborted', message: error.message };
    return;
  }
  fail(ctx, ex, ctx.closing ? observedFailure('proxy_closed') : classifyTargetError(error));
}

/** Answers a failed handshake with a 502/504 text (http-proxy-3 then ends the socket). */
function fail(ctx: ProxyContext, ex: WsExchange, failure: ProxyFailure): void {
  ex.failure = failure;
  if (!ex.socket.writable) return;
  const { status, body } = failureResponse(failure, ctx.target);
  ex.status = status;
  const reason = status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: text/plain; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-webstream-request-id: ${ex.id}`,
    'connection: close',
  ];
  ex.socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  ex.socket.end();
}

function finalize(ctx: ProxyContext, ex: WsExchange): void {
  if (ex.finalized) return;
  ex.finalized = true;
  ctx.live.delete(ex.finalize);
  clearTimer(ex);
  let failure = ex.failure;
  // A tunnel that was open when `close()` ended it did not finish on its own.
  const byProxy = ex.closedByProxy || (ctx.closing && !ex.socketClosed);
  if (!failure && (ex.status === null || byProxy))
    failure = observedFailure(byProxy ? 'proxy_closed' : 'client_aborted');
  const net = ex.socket as Partial<Socket>;
  ctx.store.update(ex.id, {
    pending: false,
    status: ex.status,
    durationMs: elapsedMs(ex.t0, performance.now()),
    requestBytes: Math.max(0, (net.bytesRead ?? 0) - ex.bytesAtStart.read),
    responseBytes: Math.max(0, (net.bytesWritten ?? 0) - ex.bytesAtStart.written),
    failed: failure !== null,
    error: failure,
  });
}

function clearTimer(ex: WsExchange): void {
  if (ex.timer) clearTimeout(ex.timer);
  ex.timer = null;
}
