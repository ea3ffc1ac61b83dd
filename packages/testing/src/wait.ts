/** What a wait is for, as its timeout error names it: a fixed text, or one computed at timeout (with the state seen then). */
export type WaitDescription = string | (() => string);

/** Pause between two checks of {@link until}, in milliseconds. */
export const POLL_INTERVAL_MS = 5;

/** A bounded wait ran out: `timed out after <ms> ms waiting for <what>`. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';

  constructor(
    /** The bound that passed, in milliseconds. */
    readonly ms: number,
    /** What was awaited (the description, computed at timeout). */
    readonly what: string,
  ) {
    super(`timed out after ${ms} ms waiting for ${what}`);
  }
}

const describe = (what: WaitDescription): string => (typeof what === 'function' ? what() : what);

function race<T>(promise: PromiseLike<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves with `promise`, or rejects with a {@link WaitTimeoutError} naming `what` once `ms`
 * milliseconds pass first. The timer is cleared either way. Real timers only.
 */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number, what: WaitDescription): Promise<T> {
  return race(promise, ms, () => new WaitTimeoutError(ms, describe(what)));
}

/**
 * Waits until `check` returns true, checking at once and then every {@link POLL_INTERVAL_MS} ms,
 * once more at the deadline; rejects with a {@link WaitTimeoutError} naming `what` when `ms`
 * milliseconds pass first. `check` may be async: each call is bounded by the time left. A check
 * that throws fails the wait at once with its error.
 *
 * Real timers only: under `vi.useFakeTimers()` advance the clock (`vi.advanceTimersByTimeAsync`)
 * instead of waiting on it.
 *
 * @example await until(() => client.messages.length === 2, 5000, 'both messages');
 */
export async function until(
  check: () => boolean | PromiseLike<boolean>,
  ms: number,
  what: WaitDescription,
): Promise<void> {
  const deadline = Date.now() + ms;
  const timedOut = () => new WaitTimeoutError(ms, describe(what));
  for (;;) {
    const result = check();
    const ok = typeof result === 'boolean' ? result : await race(result, Math.max(deadline - Date.now(), 1), timedOut);
    if (ok) return;
    const left = deadline - Date.now();
    if (left < 0) throw timedOut();
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, left)));
  }
}
