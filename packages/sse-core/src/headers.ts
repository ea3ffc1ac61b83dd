/**
 * Response headers of an SSE stream. No hop-by-hop headers (`Connection`, `Transfer-Encoding`):
 * they are forbidden under HTTP/2, and HTTP/1.1 servers add them themselves.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
});

/** Query parameter that carries the last event id on a first `EventSource` request (which cannot set headers). */
export const LAST_EVENT_ID_PARAM = 'lastEventId';

/**
 * The id to resume after: the `Last-Event-ID` header wins (the browser sets it on reconnect), then the
 * `lastEventId` query parameter. Empty values count as absent. The value is not checked here:
 * {@link Hub.subscribe} refuses a malformed one (`invalid_option`, answered with `400`) rather than
 * ignore it, because ignoring it would skip events without a word.
 */
export function resolveLastEventId(
  header: string | null | undefined,
  query: string | null | undefined,
): string | undefined {
  for (const value of [header, query]) {
    if (value) return value;
  }
  return undefined;
}
