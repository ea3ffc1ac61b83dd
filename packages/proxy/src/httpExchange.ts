import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pipeline, Readable } from 'node:stream';
import { CountingStream } from './bodyCapture.js';
import { classifyTargetError, failureResponse, observedFailure, TargetTimeoutError } from './failure.js';
import { flatHeaders, forwardableHeaders, type HeaderPairs, headerValues, setHeader } from './headerList.js';
import { planInjection, preparePage } from './pageInjector.js';
import { elapsedMs, forwardOptions, newRecord, type ProxyContext } from './proxyContext.js';
import { redactHeaders } from './redact.js';
import type { InjectionOutcome, ProxyFailure } from './requestRecord.js';

/** One HTTP request/response through the proxy, from arrival to its final record. */
interface HttpExchange {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** `performance.now()` at arrival. */
  readonly t0: number;
  readonly requestBody: CountingStream;
  readonly responseBody: CountingStream;
  readonly finalize: () => void;
  proxyReq: ClientRequest | null;
  timer: NodeJS.Timeout | null;
  /** The proxy answered by itself (502/504); later events from the target are ignored. */
  answered: boolean;
  resClosed: boolean;
  /** The client connection closed because `close()` was called. */
  closedByProxy: boolean;
  upstreamAborted: boolean;
  finishedAt: number | null;
  failure: ProxyFailure | null;
  injection: InjectionOutcome | null;
  sent: { type: string | null; encoding: string | null };
  finalized: boolean;
}

const exchanges = new WeakMap<IncomingMessage, HttpExchange>();
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity']);

/** Records a request and forwards it to the target (the response arrives in {@link onTargetResponse}). */
export function startHttpExchange(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse): void {
  const requestHeaders = redactHeaders(req.headers, ctx.redacted);
  const record = ctx.store.add({ ...newRecord(ctx, req, 'http'), requestHeaders });
  const ex: HttpExchange = {
    id: record.id,
    req,
    res,
    t0: performance.now(),
    requestBody: new CountingStream(ctx.maxBodyBytes),
    responseBody: new CountingStream(ctx.maxBodyBytes),
    finalize: () => finalize(ctx, ex),
    proxyReq: null,
    timer: null,
    answered: false,
    resClosed: false,
    closedByProxy: false,
    upstreamAborted: false,
    finishedAt: null,
    failure: null,
    injection: null,
    sent: { type: null, encoding: null },
    finalized: false,
  };
  exchanges.set(req, ex);
  ctx.live.add(ex.finalize);
  res.on('finish', () => {
    ex.finishedAt = performance.now();
  });
  res.on('close', () => {
    ex.resClosed = true;
    ex.closedByProxy = ctx.closing;
    // Let the events of the same teardown (an upstream abort) land before the record is final.
    setImmediate(ex.finalize);
  });
  if (ctx.timeoutMs !== null) ex.timer = setTimeout(() => onTimeout(ctx, ex), ctx.timeoutMs).unref();
  if (ctx.inject) narrowAcceptEncoding(req);
  req.pipe(ex.requestBody);
  const options = { ...forwardOptions(ctx), agent: ctx.agent, selfHandleResponse: true, buffer: ex.requestBody };
  ctx.proxy.web(req, res, options, (error) => onTargetError(ctx, ex, error as Error));
}

/** `proxyReq` event: the outgoing request exists (needed to cancel it on timeout). */
export function onTargetRequest(proxyReq: ClientRequest, req: IncomingMessage): void {
  const ex = exchanges.get(req);
  if (!ex) return;
  ex.proxyReq = proxyReq;
  if (ex.answered) proxyReq.destroy();
}

/** `proxyRes` event: the target answered; stream it (or buffer it for injection) to the client. */
export function onTargetResponse(ctx: ProxyContext, proxyRes: IncomingMessage, req: IncomingMessage): void {
  const ex = exchanges.get(req);
  if (!ex || ex.answered || ex.resClosed) {
    proxyRes.destroy();
    return;
  }
  clearTimer(ex);
  const markAbort = () => {
    if (!proxyRes.complete && !ex.resClosed) ex.upstreamAborted = true;
  };
  proxyRes.on('aborted', markAbort).on('error', markAbort).on('close', markAbort);
  const headers = forwardableHeaders(proxyRes.rawHeaders, ctx.target, ctx.origin);
  setHeader(headers, 'x-webstream-request-id', ex.id);
  ctx.store.update(ex.id, {
    status: proxyRes.statusCode ?? null,
    contentType: proxyRes.headers['content-type'] ?? null,
    responseHeaders: redactHeaders(proxyRes.headers, ctx.redacted),
  });
  const plan = ctx.inject ? planInjection(req, proxyRes, ctx.maxInjectBytes) : null;
  if (plan === 'try') {
    injectPage(ctx, ex, proxyRes, headers).catch((error: Error) => {
      ctx.onError(error);
      proxyRes.destroy();
      if (!ex.answered) answerFailure(ctx, ex, { kind: 'proxy_error', message: error.message });
    });
    return;
  }
  ex.injection = plan;
  send(ctx, ex, proxyRes, headers, [], proxyRes);
}

async function injectPage(ctx: ProxyContext, ex: HttpExchange, proxyRes: IncomingMessage, headers: HeaderPairs) {
  const inject = ctx.inject;
  if (!inject) return;
  const context = { requestId: ex.id, url: ex.req.url ?? '/', processId: ctx.processId };
  const page = await preparePage({
    proxyRes,
    headers,
    maxInjectBytes: ctx.maxInjectBytes,
    scriptSource: ctx.scriptSource,
    html: (nonce) => inject.html(nonce, context),
  });
  if (ex.resClosed) {
    proxyRes.destroy();
    return;
  }
  if (page.kind === 'aborted') {
    ex.upstreamAborted = true;
    answerFailure(ctx, ex, { kind: 'upstream_aborted', message: page.error.message });
    return;
  }
  ex.injection = page.outcome;
  if (page.kind === 'injected') send(ctx, ex, proxyRes, page.headers, [page.body], null);
  else send(ctx, ex, proxyRes, headers, page.head, proxyRes);
}

/**
 * Writes the status and headers, then `head` (bytes already read), then `rest` (still streaming) through
 * the counting stream to the client.
 */
function send(
  ctx: ProxyContext,
  ex: HttpExchange,
  status: { statusCode?: number | undefined; statusMessage?: string | undefined },
  headers: HeaderPairs,
  head: Buffer[],
  rest: Readable | null,
): void {
  const code = status.statusCode ?? 502;
  try {
    ex.res.writeHead(code, status.statusMessage || undefined, flatHeaders(headers));
  } catch (error) {
    rest?.destroy();
    if (ex.answered) ex.res.destroy();
    else
      answerFailure(ctx, ex, {
        kind: 'upstream_error',
        message: `unforwardable response: ${(error as Error).message}`,
      });
    return;
  }
  ex.sent = {
    type: headerValues(headers, 'content-type')[0] ?? null,
    encoding: headerValues(headers, 'content-encoding')[0] ?? null,
  };
  const done = () => {};
  if (!rest || rest.readableEnded) {
    pipeline(Readable.from(head), ex.responseBody, ex.res, done);
    return;
  }
  for (const chunk of head) ex.responseBody.write(chunk);
  pipeline(rest, ex.responseBody, ex.res, done);
}

/** Answers the client with a 502/504 text saying what went wrong (or breaks the response if it started). */
function answerFailure(ctx: ProxyContext, ex: HttpExchange, failure: ProxyFailure): void {
  clearTimer(ex);
  ex.answered = true;
  ex.failure = failure;
  ex.proxyReq?.destroy();
  if (ex.res.headersSent || ex.res.destroyed) {
    ex.res.destroy();
    return;
  }
  const { status, body } = failureResponse(failure, ctx.target);
  const bytes = Buffer.from(body);
  const headers: HeaderPairs = [
    ['content-type', 'text/plain; charset=utf-8'],
    ['content-length', String(bytes.length)],
    ['cache-control', 'no-store'],
    ['x-webstream-request-id', ex.id],
  ];
  // An unread request body would hold up the next request on this connection: close it after the answer.
  if (!ex.req.complete) headers.push(['connection', 'close']);
  send(ctx, ex, { statusCode: status }, headers, ex.req.method === 'HEAD' ? [] : [bytes], null);
}

function onTargetError(ctx: ProxyContext, ex: HttpExchange, error: Error): void {
  clearTimer(ex);
  if (ex.answered || ex.resClosed) return;
  if (ex.res.headersSent) {
    ex.upstreamAborted = true;
    ex.res.destroy();
    return;
  }
  answerFailure(ctx, ex, ctx.closing ? observedFailure('proxy_closed') : classifyTargetError(error));
}

function onTimeout(ctx: ProxyContext, ex: HttpExchange): void {
  ex.timer = null;
  const error = new TargetTimeoutError(`no response headers within ${ctx.timeoutMs} ms`);
  if (ex.proxyReq) ex.proxyReq.destroy(error);
  else answerFailure(ctx, ex, classifyTargetError(error));
}

function finalize(ctx: ProxyContext, ex: HttpExchange): void {
  if (ex.finalized) return;
  ex.finalized = true;
  ctx.live.delete(ex.finalize);
  clearTimer(ex);
  exchanges.delete(ex.req);
  let failure = ex.failure;
  if (!failure && (!ex.res.writableFinished || ex.upstreamAborted)) {
    const byProxy = ex.closedByProxy || (ctx.closing && !ex.resClosed);
    failure = observedFailure(byProxy ? 'proxy_closed' : ex.upstreamAborted ? 'upstream_aborted' : 'client_aborted');
  }
  const recordBodies = ctx.maxBodyBytes !== null;
  const { headers } = ex.req;
  ctx.store.update(ex.id, {
    pending: false,
    status: ex.res.headersSent ? ex.res.statusCode : null,
    durationMs: elapsedMs(ex.t0, ex.finishedAt ?? performance.now()),
    requestBytes: ex.requestBody.bytes,
    responseBytes: ex.responseBody.bytes,
    requestBody: recordBodies ? ex.requestBody.body(headers['content-type'], headers['content-encoding']) : null,
    responseBody: recordBodies ? ex.responseBody.body(ex.sent.type, ex.sent.encoding) : null,
    failed: failure !== null,
    error: failure,
    injection: ex.injection,
  });
}

function clearTimer(ex: HttpExchange): void {
  if (ex.timer) clearTimeout(ex.timer);
  ex.timer = null;
}

/**
 * A page request asks only for encodings the injector can decode (a browser also offers `zstd`), so an
 * HTML response can be injected rather than passed through.
 */
function narrowAcceptEncoding(req: IncomingMessage): void {
  const accept = req.headers['accept-encoding'];
  if (!accept || !req.headers.accept?.includes('text/html')) return;
  const kept = accept.split(',').filter((t) => DECODED_ENCODINGS.has(t.split(';')[0]?.trim().toLowerCase() ?? ''));
  req.headers['accept-encoding'] = kept.map((t) => t.trim()).join(', ') || 'identity';
}
