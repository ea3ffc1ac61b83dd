/** Default {@link BackoffOptions.initialDelayMs}. */
export const DEFAULT_INITIAL_DELAY_MS = 250;
/** Default {@link BackoffOptions.maxDelayMs}. */
export const DEFAULT_MAX_DELAY_MS = 10_000;

/** Reconnect and retry pacing: exponential, doubling from `initialDelayMs` up to `maxDelayMs`, ±20 % jitter. */
export interface BackoffOptions {
  /** First delay, in ms. @default 250 */
  initialDelayMs?: number;
  /** Longest delay, in ms. @default 10000 */
  maxDelayMs?: number;
}

/** A backoff sequence: `next()` is the delay before the next attempt; `reset()` after a success. */
export interface Backoff {
  next(): number;
  reset(): void;
  /** Attempts since the last reset. */
  readonly attempts: number;
}

/** Creates a {@link Backoff}. */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initial = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  if (!(initial > 0) || !(max >= initial)) {
    throw new RangeError(`backoff needs 0 < initialDelayMs <= maxDelayMs (got ${initial} and ${max})`);
  }
  let attempts = 0;
  return {
    next() {
      const base = Math.min(max, initial * 2 ** Math.min(attempts, 30));
      attempts++;
      return Math.round(Math.min(max, base * (0.8 + Math.random() * 0.4)));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** Resolves after `ms` (an unref'd timer), or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
