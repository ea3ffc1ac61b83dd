/** Result of {@link RateLimiter.take}. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A token bucket per client key, with a bounded number of tracked keys (least recently used forgotten first). */
export interface RateLimiter {
  take(key: string): RateDecision;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size (the allowed burst). */
  burst: number;
  /** Most keys tracked. Default 10000. */
  maxKeys?: number;
  /** Clock in ms, for tests. Default Date.now. */
  now?: (() => number) | undefined;
}

/** Creates a {@link RateLimiter}: buckets start full; `retryAfterSeconds` is whole seconds, at least 1. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perSecond, burst } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      buckets.delete(key); // re-insert: Map order is the LRU order
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
