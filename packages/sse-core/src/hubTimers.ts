import { PING_EVENT } from './event.js';
import { encodeFrame, formatComment, formatEvent } from './frame.js';
import { createSharedTimer, heartbeatTicks, type SharedTimer } from './heartbeat.js';
import type { Subscriber } from './subscriber.js';

/** What the timers need of the hub's settings. */
export interface TimerSettings {
  heartbeatMs: number | null;
  ping: boolean;
  lifetimeMs: number | null;
  jitter: number;
}

const keepAlive = encodeFrame(formatComment());

/**
 * The hub's two shared timers, each one `setInterval` for all connections (unref'd, running only
 * while there are connections): the heartbeat and the maximum lifetime.
 *
 * Heartbeat clock (`clock.epoch`): the timer ticks `ticks` times per interval; a connection whose
 * last write was `ticks` ticks ago or more gets the keep-alive, so none stays silent longer than
 * the interval.
 */
export class HubTimers {
  readonly #heartbeat: SharedTimer | undefined;
  readonly #lifetime: SharedTimer | undefined;
  readonly #settings: TimerSettings;

  constructor(settings: TimerSettings, all: ReadonlySet<Subscriber>, clock: { epoch: number }) {
    this.#settings = settings;
    const { heartbeatMs, lifetimeMs, ping } = settings;
    if (heartbeatMs !== null) {
      const ticks = heartbeatTicks(heartbeatMs);
      this.#heartbeat = createSharedTimer(Math.max(1, Math.floor(heartbeatMs / ticks)), () => {
        const epoch = ++clock.epoch;
        const frame = ping
          ? encodeFrame(
              formatEvent({ event: PING_EVENT, data: JSON.stringify({ timestamp: new Date().toISOString() }) }),
            )
          : keepAlive;
        const staleAfter = epoch - ticks;
        for (const sub of all) sub.heartbeat(frame, staleAfter);
      });
    }
    if (lifetimeMs !== null) {
      this.#lifetime = createSharedTimer(Math.min(1000, lifetimeMs), () => {
        const now = Date.now();
        for (const sub of all) if (sub.expiresAt !== undefined && sub.expiresAt <= now) sub.close('lifetime');
      });
    }
  }

  /** A connection joined: sets its lifetime deadline and makes sure the timers run. */
  joined(sub: Subscriber): void {
    this.#heartbeat?.ensure();
    const { lifetimeMs, jitter } = this.#settings;
    if (lifetimeMs !== null) {
      sub.expiresAt = Date.now() + Math.round(lifetimeMs * (1 - Math.random() * jitter));
      this.#lifetime?.ensure();
    }
  }

  /** Stops both timers (the last connection left, or the hub closed). */
  stop(): void {
    this.#heartbeat?.stop();
    this.#lifetime?.stop();
  }
}
