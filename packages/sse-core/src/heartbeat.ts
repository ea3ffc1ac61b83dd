/** Default interval of the keep-alive comment: below every common proxy idle timeout (nginx and ALB: 60 s). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * Ticks of the shared heartbeat timer per interval (fewer for intervals under 4 ms). A connection gets
 * the keep-alive on the first tick at least this many ticks after its last write, so the silence
 * lasts at most one interval (and at least three quarters of one, after a write).
 */
export function heartbeatTicks(intervalMs: number): number {
  return Math.max(1, Math.min(4, Math.floor(intervalMs)));
}

/** One shared, unref'd interval timer that runs only while `active` says there is work. */
export interface SharedTimer {
  /** Starts the timer if it is not running. */
  ensure(): void;
  /** Stops it. */
  stop(): void;
}

/** Creates a {@link SharedTimer}: one `setInterval` for all connections, never one per connection. */
export function createSharedTimer(intervalMs: number, tick: () => void): SharedTimer {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    ensure() {
      if (timer !== undefined) return;
      timer = setInterval(tick, intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
    },
  };
}
