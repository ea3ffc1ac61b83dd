/** Headers as recorded: lower-case names, secret values replaced by `[redacted]`. */
export type RecordedHeaders = Record<string, string | string[]>;

/**
 * Why an exchange failed.
 * - `connection_refused`: nothing listens at the target (ECONNREFUSED); answered 502.
 * - `timeout`: no response headers from the target within `timeoutMs`; answered 504.
 * - `client_aborted`: the client closed the connection before the response was complete.
 * - `upstream_aborted`: the target closed or reset the connection before its response was complete.
 * - `upstream_error`: any other error reaching the target (DNS, TLS, a malformed response); answered 502.
 * - `proxy_closed`: `close()` was called while the exchange was in flight.
 * - `proxy_error`: an unexpected error inside the proxy (reported to `onError`); answered 502 if nothing was sent yet.
 */
export type ProxyFailureKind =
  | 'connection_refused'
  | 'timeout'
  | 'client_aborted'
  | 'upstream_aborted'
  | 'upstream_error'
  | 'proxy_closed'
  | 'proxy_error';

/** A failure with its error text (for example `connect ECONNREFUSED 127.0.0.1:5173`). */
export interface ProxyFailure {
  readonly kind: ProxyFailureKind;
  readonly message: string;
}

/** A body as recorded when `recordBodies` is on. */
export interface RecordedBody {
  /** UTF-8 text of the first `maxBodyBytes` bytes (cut at a character boundary), or null when not text. */
  readonly text: string | null;
  /** True when the body was longer than `maxBodyBytes` and `text` holds only its start. */
  readonly truncated: boolean;
  /** Why `text` is null: a binary content type, an encoded (compressed) body. */
  readonly omitted?: string;
}

/** What happened to an HTML response when `inject` is set. */
export interface InjectionOutcome {
  readonly injected: boolean;
  /** Why it was not injected (`injected: false`), for example `larger than maxInjectBytes (5242880)`. */
  readonly reason?: string;
  /** What was changed besides the body: `csp header: nonce added to script-src`, `meta csp: …`. */
  readonly notes?: readonly string[];
}

/**
 * One proxied exchange. Records are immutable snapshots: the store replaces a record when the exchange
 * progresses (`pending` → complete or failed).
 */
export interface ProxyRequestRecord {
  /** Store-unique, increasing (`"1"`, `"2"`, …); also sent as `x-webstream-request-id`. */
  readonly id: string;
  /** The `processId` given to `createDevProxy`, or null. */
  readonly processId: string | null;
  /** `websocket` for an upgrade (status 101 when it was accepted). */
  readonly kind: 'http' | 'websocket';
  readonly method: string;
  /** Path and query as the client sent it (`/api/items?page=2`). */
  readonly url: string;
  /** The target origin the request was forwarded to (`http://localhost:5173`). */
  readonly target: string;
  /** Milliseconds since the epoch when the request arrived. */
  readonly startedAt: number;
  /** True until the response is complete (or failed); `durationMs` is null meanwhile. */
  readonly pending: boolean;
  /** Status sent to the client (the target's, or 502/504 from the proxy); null before headers. */
  readonly status: number | null;
  /**
   * Time from the request's arrival to the last byte of the response handed to the client socket
   * (or to the failure). For a WebSocket: how long the connection lasted.
   */
  readonly durationMs: number | null;
  /** Request body bytes forwarded to the target (WebSocket: bytes from the client after the handshake request). */
  readonly requestBytes: number;
  /** Response body bytes sent to the client, after injection (WebSocket: bytes to the client, handshake included). */
  readonly responseBytes: number;
  /** The response's `content-type`, or null. */
  readonly contentType: string | null;
  readonly requestHeaders: RecordedHeaders;
  /** Null until the target answered. */
  readonly responseHeaders: RecordedHeaders | null;
  /** Null unless `recordBodies` is on and there was a body. */
  readonly requestBody: RecordedBody | null;
  readonly responseBody: RecordedBody | null;
  /** True when the exchange failed; `error` says how. */
  readonly failed: boolean;
  readonly error: ProxyFailure | null;
  /** Null when injection does not apply (not HTML, or no `inject` option). */
  readonly injection: InjectionOutcome | null;
}

/** A record before the store gave it an id. */
export type NewRequestRecord = Omit<ProxyRequestRecord, 'id'>;

/** Fixed per-record overhead in the byte estimate (numbers, booleans, object shapes). */
export const RECORD_OVERHEAD_BYTES = 256;

/**
 * The store's size estimate of a record: {@link RECORD_OVERHEAD_BYTES} plus the length of every string it
 * holds (URL, method, header names and values, body texts, error text, notes).
 */
export function estimateRecordBytes(record: NewRequestRecord): number {
  let n = RECORD_OVERHEAD_BYTES + record.method.length + record.url.length + record.target.length;
  n += (record.processId?.length ?? 0) + (record.contentType?.length ?? 0) + (record.error?.message.length ?? 0);
  n += headersLength(record.requestHeaders) + headersLength(record.responseHeaders);
  n += (record.requestBody?.text?.length ?? 0) + (record.responseBody?.text?.length ?? 0);
  for (const note of record.injection?.notes ?? []) n += note.length;
  n += record.injection?.reason?.length ?? 0;
  return n;
}

function headersLength(headers: RecordedHeaders | null): number {
  if (!headers) return 0;
  let n = 0;
  for (const [name, value] of Object.entries(headers)) {
    n += name.length;
    if (Array.isArray(value)) for (const v of value) n += v.length;
    else n += value.length;
  }
  return n;
}
