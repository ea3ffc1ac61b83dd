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

/** Longest `Last-Event-ID` accepted; longer values are ignored as garbage. */
const MAX_LAST_EVENT_ID_LENGTH = 256;

/**
 * The id to resume after: the `Last-Event-ID` header wins (the browser sets it on reconnect), then the
 * `lastEventId` query parameter. Empty or oversized values count as absent.
 */
export function resolveLastEventId(
  header: string | null | undefined,
  query: string | null | undefined,
): string | undefined {
  for (const value of [header, query]) {
    if (value && value.length <= MAX_LAST_EVENT_ID_LENGTH) return value;
  }
  return undefined;
}
