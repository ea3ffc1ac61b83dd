import {
  type Bus,
  type BusListener,
  compareStreamIds,
  DEFAULT_CHANNEL,
  type HubEvent,
  type PublishInput,
  parseStreamId,
  type ReplayResult,
  SseError,
} from '@ws/sse-core';
import { Redis, type RedisOptions } from 'ioredis';

/** Default approximate length the stream is trimmed to (`XADD MAXLEN ~`). */
export const DEFAULT_REDIS_MAX_LEN = 10_000;
/** Default stream key. */
export const DEFAULT_REDIS_STREAM = 'webstream:events';
/** How long one blocking read waits before it is issued again, in ms. */
export const DEFAULT_BLOCK_MS = 5000;

/** Options of {@link createRedisBus}. */
export interface RedisBusOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  url: string;
  /** Stream key. Default {@link DEFAULT_REDIS_STREAM}. */
  stream?: string;
  /** Entries retained (approximately, `MAXLEN ~`). Default {@link DEFAULT_REDIS_MAX_LEN}. */
  maxLen?: number;
  /** Trim exactly (`MAXLEN =`) instead of approximately; slower, for tests. Default false. */
  exactTrim?: boolean;
  /** Blocking read timeout in ms. Default {@link DEFAULT_BLOCK_MS}. */
  blockMs?: number;
  /** Publish command timeout in ms: past it the publish fails rather than hangs. Default 2000. */
  commandTimeoutMs?: number;
  /** Longest reconnect backoff in ms. Default 2000. */
  maxBackoffMs?: number;
  /** Where connection trouble is reported. Default: silent (state is in {@link RedisBus.state}). */
  onStateChange?: (state: RedisBusState) => void;
}

/** What the bus reports about its Redis connections (for /health and /metrics). */
export interface RedisBusState {
  /** Both connections ready. */
  up: boolean;
  /** The publishing connection's ioredis status (`ready`, `reconnecting`, ...). */
  publisher: string;
  /** The reading connection's ioredis status. */
  reader: string;
  /** The last id delivered to this instance; reading resumes after it. */
  lastDeliveredId: string;
  /** Reconnects since start (both connections). */
  reconnects: number;
}

/** A {@link Bus} on Redis Streams, plus its connection state. */
export interface RedisBus extends Bus {
  state(): RedisBusState;
  /** The publishing connection (no offline queue: commands fail at once while Redis is away), for other short commands. */
  readonly connection: Redis;
  /** Resolves once the reader knows where the stream ends (it reads every entry after that). */
  ready(): Promise<void>;
}

type Entry = [id: string, fields: string[]];

function toEvent(id: string, fields: string[]): HubEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  return {
    id,
    channel: f.c ?? DEFAULT_CHANNEL,
    type: f.t ? f.t : undefined,
    data: f.d ?? '',
    priority: f.p === 'high' ? 'high' : 'normal',
    timestamp: parseStreamId(id)?.[0] ?? Date.now(),
  };
}

/**
 * Bus + History on one Redis stream. `publish` is `XADD ... MAXLEN ~ n` (the id Redis assigns is the
 * event id on every instance); one blocking `XREAD` loop per instance delivers every entry, in
 * order, to local listeners and resumes after the last delivered id across reconnects; `after`
 * is `XRANGE`, with a gap reason when the id was trimmed (`expired`) or never issued (`unknown`).
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const key = options.stream ?? DEFAULT_REDIS_STREAM;
  const maxLen = options.maxLen ?? DEFAULT_REDIS_MAX_LEN;
  const blockMs = options.blockMs ?? DEFAULT_BLOCK_MS;
  const maxBackoff = options.maxBackoffMs ?? 2000;
  const retryStrategy = (times: number) =>
    Math.min(50 * 2 ** Math.min(times, 10), maxBackoff) + Math.floor(Math.random() * 50);
  const base: RedisOptions = { retryStrategy, lazyConnect: false, connectionName: 'webstream' };
  // Publishing fails fast while Redis is away (the caller answers 503): no offline queue, no retries.
  const publisher = new Redis(options.url, {
    ...base,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
  });
  // Reading waits for Redis to come back, then resumes after the last delivered id.
  // An XREAD in flight at a disconnect is resent on reconnect (same last id); blockingTimeout is a
  // client-side watchdog so a reply lost in a half-open connection cannot stall the loop.
  const reader = new Redis(options.url, {
    ...base,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    blockingTimeout: blockMs + 2000,
  });
  const listeners = new Set<BusListener>();
  let lastId: string | undefined;
  let reconnects = 0;
  let closed = false;
  const noop = () => undefined;
  publisher.on('error', noop);
  reader.on('error', noop);

  const state = (): RedisBusState => ({
    up: publisher.status === 'ready' && reader.status === 'ready',
    publisher: publisher.status,
    reader: reader.status,
    lastDeliveredId: lastId ?? '0-0',
    reconnects,
  });
  for (const conn of [publisher, reader]) {
    conn.on('reconnecting', () => {
      reconnects++;
      options.onStateChange?.(state());
    });
    conn.on('ready', () => options.onStateChange?.(state()));
  }

  // Where the stream ends now: the reader delivers everything after it.
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => {
    resolveReady = r;
  });
  const start = async () => {
    while (!closed && lastId === undefined) {
      try {
        const last = (await reader.xrevrange(key, '+', '-', 'COUNT', 1)) as Entry[];
        lastId = last[0]?.[0] ?? '0-0';
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    resolveReady();
    while (!closed) {
      try {
        const res = (await reader.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', key, lastId as string)) as
          | [string, Entry[]][]
          | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const event = toEvent(id, fields);
            for (const l of listeners) l(event);
          }
        }
      } catch {
        if (closed) return;
        // Connection lost: ioredis reconnects with backoff; the next XREAD waits for it and resumes.
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  void start();

  async function after(lastEventId: string): Promise<ReplayResult> {
    if (!parseStreamId(lastEventId)) return { events: await latest(maxLen), gap: 'unknown' };
    // Queries go on the publishing connection: the reader is inside a blocking XREAD.
    const [info, exact, rest] = (await publisher
      .multi()
      .call('XINFO', 'STREAM', key)
      .xrange(key, lastEventId, lastEventId)
      .xrange(key, `(${lastEventId}`, '+', 'COUNT', maxLen)
      .exec()
      .catch((error: unknown) => {
        throw new SseError('backend_unavailable', `Redis is unavailable: ${(error as Error).message}`, {
          cause: error,
        });
      })) as [Error | null, unknown][];
    const events = ((rest?.[1] as Entry[] | undefined) ?? []).map(([id, fields]) => toEvent(id, fields));
    if (info?.[0]) return { events, gap: 'unknown' }; // no stream (yet): the id cannot be ours
    const fields = info?.[1] as unknown[];
    const field = (name: string) => fields[fields.indexOf(name) + 1] as string | undefined;
    if (((exact?.[1] as Entry[] | undefined) ?? []).length > 0) return { events };
    // Trimming does not move max-deleted-entry-id (Redis 7.0 updates it on XDEL only): an id before
    // the first retained entry of a stream that has lost entries is one we may have trimmed.
    const first = (fields[fields.indexOf('first-entry') + 1] as Entry | null)?.[0];
    const trimmed = Number(field('entries-added') ?? 0) > Number(field('length') ?? 0);
    if (trimmed && first !== undefined && compareStreamIds(lastEventId, first) < 0) return { events, gap: 'expired' };
    return { events, gap: 'unknown' };
  }

  async function latest(count: number): Promise<HubEvent[]> {
    const n = Math.max(0, Math.floor(count));
    if (n === 0) return [];
    let entries: Entry[];
    try {
      entries = (await publisher.xrevrange(key, '+', '-', 'COUNT', n)) as Entry[];
    } catch (error) {
      throw new SseError('backend_unavailable', `Redis is unavailable: ${(error as Error).message}`, { cause: error });
    }
    return entries.reverse().map(([id, fields]) => toEvent(id, fields));
  }

  return {
    async publish(input: PublishInput): Promise<HubEvent> {
      if (closed) throw new SseError('closed', 'bus is closed');
      const fields = [
        'c',
        input.channel ?? DEFAULT_CHANNEL,
        't',
        input.type ?? '',
        'p',
        input.priority ?? 'normal',
        'd',
        input.data,
      ];
      let id: string | null;
      try {
        id = await publisher.xadd(key, 'MAXLEN', options.exactTrim ? '=' : '~', maxLen, '*', ...fields);
      } catch (error) {
        throw new SseError(
          'backend_unavailable',
          `Redis is unavailable (${publisher.status}): ${(error as Error).message}`,
          { cause: error },
        );
      }
      return toEvent(id as string, fields);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    after,
    latest,
    compareIds: compareStreamIds,
    connection: publisher,
    state,
    // Ready = the reader knows where to read from and the publisher can write.
    ready: () =>
      Promise.all([
        readyPromise,
        publisher.status === 'ready' ? undefined : new Promise<void>((r) => publisher.once('ready', () => r())),
      ]).then(() => undefined),
    async close() {
      closed = true;
      listeners.clear();
      publisher.disconnect();
      reader.disconnect();
    },
  };
}
