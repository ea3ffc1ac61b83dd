/** Default per-session rate: items per second (the page itself sends at most about 200). */
export const DEFAULT_SESSION_RATE = { perSecond: 300, burst: 600 };

/** Token buckets by key (page session), the server's second line of defence behind the page's own budget. */
export interface RateLimiter {
  /** Takes up to `wanted` tokens; returns how many were granted. */
  take(key: string, wanted: number): number;
  /** Milliseconds until one token is back. */
  retryAfterMs(key: string): number;
  delete(key: string): void;
}

/** Creates the limiter; at most `maxKeys` buckets (the least recently used one goes). */
export function createRateLimiter(
  rate: { perSecond: number; burst: number },
  maxKeys: number,
  now: () => number,
): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();

  function bucket(key: string) {
    const time = now();
    let entry = buckets.get(key);
    if (entry) {
      buckets.delete(key);
      entry.tokens = Math.min(rate.burst, entry.tokens + ((time - entry.at) * rate.perSecond) / 1000);
      entry.at = time;
    } else {
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
      entry = { tokens: rate.burst, at: time };
    }
    buckets.set(key, entry);
    return entry;
  }

  return {
    take(key, wanted) {
      const entry = bucket(key);
      const granted = Math.max(0, Math.min(wanted, Math.floor(entry.tokens)));
      entry.tokens -= granted;
      return granted;
    },
    retryAfterMs(key) {
      const entry = bucket(key);
      return entry.tokens >= 1 ? 0 : Math.ceil(((1 - entry.tokens) * 1000) / rate.perSecond);
    },
    delete: (key) => {
      buckets.delete(key);
    },
  };
}
