import { parseStreamId } from '@ws/sse-core';

/**
 * A read tool's cursor: opaque to the client, durable on the server. Two kinds:
 * - `event`: a position in the stream's event log (the bus id `<ms>-<seq>`, as `/stream` ids). The log
 *   is the Redis Stream under `--redis`, so the cursor means the same on every instance and after a
 *   reconnect; with the memory bus it lives as long as the server process.
 * - `digest`: a digest of a snapshot (the scripts list), for a resource that has no events.
 */
export type Cursor = { kind: 'event'; id: string } | { kind: 'digest'; digest: string };

const PREFIX = 'wsc1.';

/** The cursor as the client holds it: `wsc1.` and base64url of `e:<id>` or `d:<digest>`. */
export function encodeCursor(cursor: Cursor): string {
  const body = cursor.kind === 'event' ? `e:${cursor.id}` : `d:${cursor.digest}`;
  return PREFIX + Buffer.from(body, 'utf8').toString('base64url');
}

/** The cursor a client passed back, or a message saying what is wrong with it. */
export function decodeCursor(text: string): { ok: true; cursor: Cursor } | { ok: false; message: string } {
  const bad = {
    ok: false as const,
    message: `cursor ${JSON.stringify(text.slice(0, 80))} is not one this server issued; pass back the cursor a read tool returned, or omit it to start from the latest entries`,
  };
  if (!text.startsWith(PREFIX) || text.length > 200) return bad;
  const body = Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8');
  if (body.startsWith('e:') && parseStreamId(body.slice(2)))
    return { ok: true, cursor: { kind: 'event', id: body.slice(2) } };
  if (/^d:[0-9a-f]{16,64}$/.test(body)) return { ok: true, cursor: { kind: 'digest', digest: body.slice(2) } };
  return bad;
}

/** The wall-clock time an event id carries (its milliseconds), as ISO-8601. */
export function timeOfId(id: string): string | undefined {
  const parsed = parseStreamId(id);
  return parsed ? new Date(parsed[0]).toISOString() : undefined;
}
