import { SseError } from '../errors.js';
import { LAST_EVENT_ID_PARAM, resolveLastEventId } from '../headers.js';
import type { SubscribeOptions } from '../subscribeOptions.js';
import { subscribeOptionsFromUrl } from '../subscribeQuery.js';

/** Options both adapters take. */
export interface AdapterOptions extends SubscribeOptions {
  /**
   * Read `channel`, `type`, `format`, `replay` and `lastEventId` from the request's query string
   * (see {@link subscribeOptionsFromUrl}); an option given here wins over the query's, so an app can
   * pin, say, the channels. A bad value is answered `400` with a message saying what to fix.
   * Without it, only `lastEventId` is read from the query. @default false
   */
  query?: boolean;
  /** Extra response headers (for example CORS). @default {} */
  headers?: Record<string, string>;
  /** Receives unexpected errors (answered with `500`); rejected options are not errors. @default console.error (stderr) */
  onError?: (error: unknown) => void;
}

/**
 * What to subscribe with for a request: the explicit options, then (with `query`) the query
 * string's, and the resume id: `options.lastEventId`, else the `Last-Event-ID` header, else the
 * `lastEventId` query parameter. Throws `SseError` `invalid_option` for a bad query value.
 */
export function requestSubscribeOptions(
  options: AdapterOptions,
  url: string,
  lastEventIdHeader: string | null | undefined,
): SubscribeOptions {
  let params: URLSearchParams;
  try {
    params = new URL(url, 'http://localhost').searchParams;
  } catch {
    throw new SseError('invalid_option', 'the request URL could not be parsed');
  }
  let query: SubscribeOptions = {};
  if (options.query) {
    const parsed = subscribeOptionsFromUrl(params);
    if (!parsed.ok) throw new SseError('invalid_option', parsed.message);
    query = parsed.options;
  }
  return {
    channels: options.channels ?? query.channels,
    types: options.types ?? query.types,
    format: options.format ?? query.format,
    replay: options.replay ?? query.replay,
    lastEventId: options.lastEventId ?? resolveLastEventId(lastEventIdHeader, params.get(LAST_EVENT_ID_PARAM)),
  };
}
