import type { Agent, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyServer } from 'http-proxy-3';
import type { InjectOptions } from './pageInjector.js';
import { redactUrl } from './redact.js';
import type { NewRequestRecord } from './requestRecord.js';
import type { RequestStore } from './requestStore.js';

/** What the request handlers of one proxy share (internal). */
export interface ProxyContext {
  readonly proxy: ProxyServer;
  readonly store: RequestStore;
  readonly agent: Agent;
  /** Target origin, `http://localhost:5173`. */
  readonly target: string;
  /** Proxy origin, `http://127.0.0.1:<port>`; set once listening. */
  origin: string;
  readonly processId: string | null;
  readonly redacted: ReadonlySet<string>;
  /** Null when bodies are not recorded. */
  readonly maxBodyBytes: number | null;
  readonly inject: InjectOptions | null;
  readonly maxInjectBytes: number;
  /** `<origin><reserved prefix>`, for CSP lists with `'unsafe-inline'`; null without a reserved path. */
  scriptSource: string | null;
  readonly timeoutMs: number | null;
  readonly changeOrigin: boolean;
  closing: boolean;
  /** Upstream WebSocket sockets, destroyed by `close()`. */
  readonly upstreamSockets: Set<Duplex>;
  /** Finalizers of exchanges still in flight, run by `close()`. */
  readonly live: Set<() => void>;
  readonly onError: (error: Error) => void;
}

/** Forwarding options shared by `proxy.web` and `proxy.ws`. */
export function forwardOptions(ctx: ProxyContext) {
  return { target: ctx.target, xfwd: true, changeOrigin: ctx.changeOrigin, secure: false, prependPath: false };
}

/** The fields every new record starts with. */
export function newRecord(ctx: ProxyContext, req: IncomingMessage, kind: 'http' | 'websocket'): NewRequestRecord {
  return {
    processId: ctx.processId,
    kind,
    method: req.method ?? 'GET',
    url: redactUrl(req.url ?? '/'),
    target: ctx.target,
    startedAt: Date.now(),
    pending: true,
    status: null,
    durationMs: null,
    requestBytes: 0,
    responseBytes: 0,
    contentType: null,
    requestHeaders: {},
    responseHeaders: null,
    requestBody: null,
    responseBody: null,
    failed: false,
    error: null,
    injection: null,
  };
}

/** Milliseconds between two `performance.now()` readings, to 0.1 ms. */
export function elapsedMs(from: number, to: number): number {
  return Math.round((to - from) * 10) / 10;
}
