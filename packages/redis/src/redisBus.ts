import { type Bus, type BusInput, compareStreamIds, type PublishResult, SseError } from '@ws/sse-core';
import type { Redis } from 'ioredis';
import { LocalDeliveries } from './localDeliveries.js';
import { RedisConnections } from './redisConnections.js';
import { toEvent, toFields } from './redisEntry.js';
import { RedisHistory } from './redisHistory.js';
import { StreamReader } from './streamReader.js';

/** Default approximate length the stream is trimmed to (`XADD MAXLEN ~`). */
export const DEFAULT_REDIS_MAX_LEN = 10_000;
/** Default stream key. */
export const DEFAULT_REDIS_STREAM = 'webstream:events';
/** How long one blocking read waits before it is issued again, in ms. */
export const DEFAULT_BLOCK_MS = 5000;
/** How long `publish` waits for this instance's reader to deliver the event, in ms. */
export const DEFAULT_LOCAL_DELIVERY_TIMEOUT_MS = 1000;

/** Options of {@link createRedisBus}. */
export interface RedisBusOptions {
  /** `redis://[user:pass@]host:port[/db]`. Required. */
  url: string;
  /** Stream key; instances that share it share one history. @default 'webstream:events' ({@link DEFAULT_REDIS_STREAM}) */
  stream?: string;
  /** Entries retained (approximately, `MAXLEN ~`). @default 10000 ({@link DEFAULT_REDIS_MAX_LEN}) */
  maxLen?: number;
  /** Trim exactly (`MAXLEN =`) instead of approximately; slower, for tests. @default false */
  exactTrim?: boolean;
  /** Blocking read timeout in ms. @default 5000 ({@link DEFAULT_BLOCK_MS}) */
  blockMs?: number;
  /** Publish command timeout in ms: past it the publish fails rather than hangs. @default 2000 */
  commandTimeoutMs?: number;
  /** Longest reconnect backoff in ms (50 ms doubling, jittered). @default 2000 */
  maxBackoffMs?: number;
  /**
   * Longest wait, in ms, of `publish` for this instance's reader to deliver the event it just
   * added (the local fan-out); past it `publish` resolves with `local: 'timeout'` and `queued: 0`.
   * @default 1000 ({@link DEFAULT_LOCAL_DELIVERY_TIMEOUT_MS})
   */
  localDeliveryTimeoutMs?: number;
  /** Told about connection changes (state is also in {@link RedisBus.state}). @default undefined (none) */
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

/**
 * A {@link Bus} on Redis Streams, plus its connection state.
 *
 * `publish` resolves once Redis has the event (`XADD`) AND this instance's reader has delivered it
 * to the local listeners, with `local: 'delivered'` and the count they queued it to; if the reader
 * does not deliver it within `localDeliveryTimeoutMs` (it is reconnecting, say) it resolves with
 * `local: 'timeout'` and `queued: 0`, and the event is still delivered here once the reader
 * catches up. `'skipped'`: the reader is already past the id (published before `ready()`, or
 * trimmed before the reader reached it); `'closed'`: the bus closed first. It rejects
 * (`backend_unavailable`) only when Redis did not take the event.
 */
export interface RedisBus extends Bus {
  state(): RedisBusState;
  /** The publishing connection (no offline queue: commands fail at once while Redis is away), for other short commands. */
  readonly connection: Redis;
  /** Resolves once the reader knows where the stream ends (it reads every entry after that) and the publisher can write. */
  ready(): Promise<void>;
}

/** `XADD` on the publishing connection, then the wait for the local delivery. */
async function add(
  conns: RedisConnections,
  deliveries: LocalDeliveries,
  trim: { key: string; maxLen: number; exact: boolean },
  input: BusInput,
): Promise<PublishResult> {
  const fields = toFields(input);
  const { publisher } = conns;
  deliveries.begin();
  let id: string | null;
  try {
    id = await publisher.xadd(trim.key, 'MAXLEN', trim.exact ? '=' : '~', trim.maxLen, '*', ...fields);
  } catch (error) {
    deliveries.failed();
    throw new SseError(
      'backend_unavailable',
      `Redis is unavailable (${publisher.status}): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return deliveries.settle(toEvent(id as string, fields));
}

/**
 * Bus + History on one Redis stream: `publish` is `XADD ... MAXLEN ~ n` (the id Redis assigns is
 * the event id on every instance), one blocking `XREAD` loop per instance delivers every entry in
 * order ({@link StreamReader}), `after`/`latest` are `XRANGE`/`XREVRANGE` ({@link RedisHistory}).
 * See {@link RedisBus} for when `publish` resolves.
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const key = options.stream ?? DEFAULT_REDIS_STREAM;
  const maxLen = options.maxLen ?? DEFAULT_REDIS_MAX_LEN;
  const blockMs = options.blockMs ?? DEFAULT_BLOCK_MS;
  const deliveries = new LocalDeliveries(options.localDeliveryTimeoutMs ?? DEFAULT_LOCAL_DELIVERY_TIMEOUT_MS);
  // `state` is first called on a connection event, after everything here is built.
  const conns = new RedisConnections(
    {
      url: options.url,
      blockMs,
      commandTimeoutMs: options.commandTimeoutMs ?? 2000,
      maxBackoffMs: options.maxBackoffMs ?? 2000,
    },
    () => options.onStateChange?.(state()),
  );
  const reader = new StreamReader(conns.reader, key, blockMs, deliveries);
  const state = (): RedisBusState => ({
    up: conns.up,
    publisher: conns.publisher.status,
    reader: conns.reader.status,
    lastDeliveredId: reader.lastDeliveredId,
    reconnects: conns.reconnects,
  });
  const history = new RedisHistory(conns.publisher, key, maxLen);
  const trim = { key, maxLen, exact: options.exactTrim === true };
  const listeners = reader.listeners;
  let closed = false;
  return {
    publish: (input) =>
      closed ? Promise.reject(new SseError('closed', 'bus is closed')) : add(conns, deliveries, trim, input),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    after: (lastEventId) => history.after(lastEventId),
    latest: (count) => history.latest(count),
    compareIds: compareStreamIds,
    connection: conns.publisher,
    state,
    ready: () => Promise.all([reader.ready, conns.publisherReady()]).then(() => undefined),
    async close() {
      closed = true;
      reader.close();
      deliveries.close();
      conns.close();
    },
  };
}
