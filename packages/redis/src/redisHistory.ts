import { compareStreamIds, type HubEvent, parseStreamId, type ReplayResult, SseError } from '@ws/sse-core';
import type { Redis } from 'ioredis';
import { type Entry, toEvent } from './redisEntry.js';

function unavailable(error: unknown): SseError {
  return new SseError('backend_unavailable', `Redis is unavailable: ${(error as Error).message}`, { cause: error });
}

/**
 * History queries on the stream (`XRANGE`, `XREVRANGE`, `XINFO STREAM`). They go on the publishing
 * connection: the reading one sits in a blocking `XREAD`.
 */
export class RedisHistory {
  readonly #conn: Redis;
  readonly #key: string;
  readonly #maxLen: number;

  constructor(conn: Redis, key: string, maxLen: number) {
    this.#conn = conn;
    this.#key = key;
    this.#maxLen = maxLen;
  }

  /** The `count` most recent events, oldest first. */
  async latest(count: number): Promise<HubEvent[]> {
    const n = Math.max(0, Math.floor(count));
    if (n === 0) return [];
    let entries: Entry[];
    try {
      entries = (await this.#conn.xrevrange(this.#key, '+', '-', 'COUNT', n)) as Entry[];
    } catch (error) {
      throw unavailable(error);
    }
    return entries.reverse().map(([id, fields]) => toEvent(id, fields));
  }

  /** Events after `lastEventId`, with a gap reason when it was trimmed (`expired`) or never issued (`unknown`). */
  async after(lastEventId: string): Promise<ReplayResult> {
    if (!parseStreamId(lastEventId)) return { events: await this.latest(this.#maxLen), gap: 'unknown' };
    const [info, exact, rest] = (await this.#conn
      .multi()
      .call('XINFO', 'STREAM', this.#key)
      .xrange(this.#key, lastEventId, lastEventId)
      .xrange(this.#key, `(${lastEventId}`, '+', 'COUNT', this.#maxLen)
      .exec()
      .catch((error: unknown) => {
        throw unavailable(error);
      })) as [Error | null, unknown][];
    const events = ((rest?.[1] as Entry[] | undefined) ?? []).map(([id, fields]) => toEvent(id, fields));
    if (info?.[0]) return { events, gap: 'unknown' }; // no stream (yet): the id cannot be ours
    if (((exact?.[1] as Entry[] | undefined) ?? []).length > 0) return { events };
    const fields = info?.[1] as unknown[];
    const field = (name: string) => fields[fields.indexOf(name) + 1] as string | undefined;
    // Trimming does not move max-deleted-entry-id (Redis 7.0 updates it on XDEL only): an id before
    // the first retained entry of a stream that has lost entries is one we may have trimmed.
    const first = (fields[fields.indexOf('first-entry') + 1] as Entry | null)?.[0];
    const trimmed = Number(field('entries-added') ?? 0) > Number(field('length') ?? 0);
    if (trimmed && first !== undefined && compareStreamIds(lastEventId, first) < 0) return { events, gap: 'expired' };
    return { events, gap: 'unknown' };
  }
}
