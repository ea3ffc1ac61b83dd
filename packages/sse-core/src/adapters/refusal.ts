import { SseError } from '../errors.js';

/** How an adapter answers a subscription it could not open. */
export interface Refusal {
  status: 400 | 500 | 503;
  headers: Record<string, string>;
  /** Plain text saying what to fix or when to retry; never a stack trace. */
  body: string;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/**
 * Maps what `hub.subscribe` (or the adapter around it) threw to a response, so that no input can make
 * an adapter throw out of a request handler: a rejected option is `400` with the hub's message, the
 * connection cap or a closed hub `503` with `Retry-After`, anything else `500` (reported to `onError`).
 */
export function refusal(error: unknown, onError: (error: unknown) => void): Refusal {
  if (error instanceof SseError) {
    switch (error.code) {
      case 'invalid_option':
      case 'invalid_field':
        return { status: 400, headers: TEXT, body: `${error.message}\n` };
      case 'too_many_connections':
      case 'backend_unavailable':
        return { status: 503, headers: { ...TEXT, 'Retry-After': '5' }, body: `${error.message}\n` };
      case 'closed':
        return { status: 503, headers: { ...TEXT, 'Retry-After': '5' }, body: 'the stream is shutting down; retry\n' };
    }
  }
  onError(error);
  return { status: 500, headers: TEXT, body: 'the stream could not be opened (the error is in the server log)\n' };
}

/** Default `onError` of the adapters: stderr. */
export const logAdapterError = (error: unknown): void => console.error('[sse-core]', error);
