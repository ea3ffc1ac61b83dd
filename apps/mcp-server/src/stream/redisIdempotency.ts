import { randomBytes } from 'node:crypto';
import { SseError } from '@ws/sse-core';
import type { Redis } from 'ioredis';
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_IDEMPOTENCY_KEYS,
  IdempotencyInProgressError,
  type IdempotencyStore,
} from './idempotency.js';

/** How long a key stays claimed by a push still in flight (a crashed instance's claim lapses then). */
const CLAIM_MS = 30_000;
/** How long a retry waits for the first push with its key to finish, polling, before answering "in progress". */
const WAIT_MS = 5_000;
const POLL_MS = 25;

type Stored<T> = { state: 'pending'; fp: string; owner: string } | { state: 'done'; fp: string; result: T };

/**
 * An {@link IdempotencyStore} in Redis, shared by every instance: a key is claimed with `SET NX`
 * (so two instances never both publish), then holds the first result for `ttlMs`; a sorted set
 * bounds the keys to `maxKeys` (the oldest deleted first). A retry that finds the key still claimed
 * waits for the result, at most 5 s, then fails with {@link IdempotencyInProgressError}.
 */
export function createRedisIdempotencyStore<T>(
  redis: Redis,
  prefix: string,
  options: { maxKeys?: number; ttlMs?: number } = {},
): IdempotencyStore<T> {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_IDEMPOTENCY_KEYS;
  const ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const index = `${prefix}:idem`;
  const keyOf = (key: string) => `${prefix}:idem:{${key}}`;
  const trim = async () => {
    const over = (await redis.zcard(index)) - maxKeys;
    if (over <= 0) return;
    const old = (await redis.zpopmin(index, over)).filter((_, i) => i % 2 === 0);
    if (old.length > 0) await redis.del(...old.map(keyOf));
  };
  const read = async (k: string) => {
    const raw = await redis.get(k);
    return raw === null ? undefined : (JSON.parse(raw) as Stored<T>);
  };
  const store: IdempotencyStore<T> = {
    async once(key, fp, run) {
      const k = keyOf(key);
      const owner = randomBytes(8).toString('hex');
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const claimed = await redis.set(k, JSON.stringify({ state: 'pending', fp, owner }), 'PX', CLAIM_MS, 'NX');
        if (claimed === 'OK') break;
        const known = await read(k);
        if (known && known.fp !== fp) return { kind: 'conflict' };
        if (known?.state === 'done') return { kind: 'replayed', result: known.result };
        if (Date.now() > deadline) throw new IdempotencyInProgressError(key);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      let result: T;
      try {
        result = await run();
      } catch (error) {
        const mine = await read(k).catch(() => undefined);
        if (mine?.state === 'pending' && mine.owner === owner) await redis.del(k).catch(() => undefined);
        throw error;
      }
      await redis.set(k, JSON.stringify({ state: 'done', fp, result }), 'PX', ttlMs);
      await redis.zadd(index, Date.now(), key);
      await trim();
      return { kind: 'first', result };
    },
    size: () => Number.NaN,
  };
  return {
    ...store,
    // Redis away: "not now" (503), as a publish would answer, never a 500.
    once: (key, fp, run) =>
      store.once(key, fp, run).catch((error: unknown) => {
        if (error instanceof Error && !(error instanceof SseError) && isRedisError(error)) {
          throw new SseError('backend_unavailable', `idempotency store unavailable: ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }),
  };
}

/** An ioredis failure (connection down, no offline queue), as opposed to an error of `run`. */
const isRedisError = (error: Error) =>
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|MaxRetriesPerRequest|enableOfflineQueue/i.test(
    error.message,
  ) || error.name === 'ReplyError';
