import type { ProxyFailure } from './requestRecord.js';

/** The error a request is destroyed with when the target has not answered within `timeoutMs`. */
export class TargetTimeoutError extends Error {
  override readonly name = 'TargetTimeoutError';
  readonly code = 'ETIMEDOUT';
}

/** Classifies an error from talking to the target. */
export function classifyTargetError(error: Error): ProxyFailure {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || String(code ?? 'unknown error');
  if (error instanceof TargetTimeoutError) return { kind: 'timeout', message };
  if (code === 'ECONNREFUSED') return { kind: 'connection_refused', message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE')
    return { kind: 'upstream_aborted', message };
  return { kind: 'upstream_error', message };
}

/** The status and plain-text body the proxy answers with when it could not get a response. */
export function failureResponse(failure: ProxyFailure, target: string): { status: number; body: string } {
  switch (failure.kind) {
    case 'timeout':
      return {
        status: 504,
        body: `webstream proxy: the dev server at ${target} did not answer in time (${failure.message}).\n`,
      };
    case 'upstream_aborted':
      return {
        status: 502,
        body: `webstream proxy: the dev server at ${target} closed the connection before answering (${failure.message}).\n`,
      };
    case 'proxy_error':
      return { status: 502, body: 'webstream proxy: internal error while forwarding this request.\n' };
    default:
      return {
        status: 502,
        body: `webstream proxy: the dev server at ${target} is not answering (${failure.message}). Is it running?\n`,
      };
  }
}

/** A failure the proxy itself observed (no error object): client gone, proxy closed, target broke off. */
export function observedFailure(kind: 'client_aborted' | 'proxy_closed' | 'upstream_aborted'): ProxyFailure {
  const message = {
    client_aborted: 'the client closed the connection before the response was complete',
    proxy_closed: 'the proxy was closed while the request was in flight',
    upstream_aborted: 'the dev server closed the connection before the response was complete',
  }[kind];
  return { kind, message };
}
