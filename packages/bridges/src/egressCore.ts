import { type Backoff, type BackoffOptions, createBackoff } from './backoff.js';
import { type EgressPayload, mapOutbound, type OutboundMessage } from './egressMapping.js';
import type { BridgeEvent, BridgeGap, BridgeHub } from './hub.js';
import { type EgressGap, type EgressState, errorMessage } from './state.js';

/** Default {@link EgressCoreOptions.maxPending}. */
export const DEFAULT_MAX_PENDING = 10_000;
/** Default {@link EgressCoreOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 64;

/** Options of {@link createEgressCore}. */
export interface EgressCoreOptions {
  hub: BridgeHub;
  /** Subject / routing key / topic template (`{channel}`, `{type}`, `{priority}`). */
  target: string;
  payload: EgressPayload;
  origin: string;
  /** Only these channels. @default every channel */
  channels?: readonly string[] | undefined;
  /**
   * Events taken from the hub and not yet confirmed, at most. When full, egress lets go of the live
   * stream and later reads what it missed from the hub's history, after the last event it holds
   * (a gap is reported if the history no longer has them). @default 10000
   */
  maxPending?: number | undefined;
  /** Unconfirmed sends at once (1 keeps the broker's order strict even across failures). @default 64 */
  maxInFlight?: number | undefined;
  /** Start after this event id (replayed from the hub's history) instead of with live events. */
  startAfterId?: string | undefined;
  /** Pacing of resends after a failed send. */
  retryBackoff?: BackoffOptions | undefined;
  /** Sends one message; resolves once the broker confirmed it, rejects otherwise. */
  send: (message: OutboundMessage) => Promise<void>;
  /** Told about every gap. */
  onGap?: ((gap: EgressGap) => void) | undefined;
  /** Told about every failed send (it is retried). */
  onSendError?: ((message: string) => void) | undefined;
  /** Told each time the cursor advances (to persist it and pass it back as `startAfterId`). */
  onCursor?: ((id: string) => void) | undefined;
}

/** The broker-independent part of egress: a bounded, ordered queue of events and its pump. */
export interface EgressCore {
  /** Subscribes to the hub. */
  start(): void;
  /** The adapter says whether the broker can take sends now. */
  setReady(ready: boolean): void;
  close(): void;
  readonly state: EgressState;
}

interface Entry {
  readonly event: BridgeEvent;
  status: 'queued' | 'sending' | 'confirmed';
}

/** Creates an {@link EgressCore}. */
export function createEgressCore(options: EgressCoreOptions): EgressCore {
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!(maxPending >= 1 && maxInFlight >= 1)) {
    throw new RangeError(`maxPending and maxInFlight must be >= 1 (got ${maxPending} and ${maxInFlight})`);
  }
  return new EgressPump(options, maxPending, maxInFlight);
}

class EgressPump implements EgressCore {
  readonly state: EgressState;
  private readonly backoff: Backoff;
  private queue: Entry[] = [];
  /** Entries before `head` are confirmed and dropped. */
  private head = 0;
  /** No queued entry before this index. */
  private nextToSend = 0;
  private ready = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped on every (re)subscription: events of an older one are ignored. */
  private generation = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly options: EgressCoreOptions,
    private readonly maxPending: number,
    private readonly maxInFlight: number,
  ) {
    this.backoff = createBackoff(options.retryBackoff);
    this.state = {
      pending: 0,
      inFlight: 0,
      confirmed: 0,
      failures: 0,
      overflows: 0,
      gaps: 0,
      unroutable: 0,
      cursor: options.startAfterId,
      catchingUp: false,
      lastGap: undefined,
    };
  }

  start(): void {
    if (!this.closed && this.generation === 0) this.subscribe(this.options.startAfterId);
  }

  setReady(ready: boolean): void {
    this.ready = ready;
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.generation++;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private subscribe(afterId: string | undefined): void {
    const mine = ++this.generation;
    const onGap = (gap: BridgeGap) => {
      this.state.gaps++;
      this.state.lastGap = { at: new Date().toISOString(), reason: gap.reason, afterId: gap.afterId };
      this.options.onGap?.(this.state.lastGap);
    };
    const stop = this.options.hub.subscribe((event) => mine === this.generation && this.accept(event), {
      afterId,
      channels: this.options.channels,
      onGap,
    });
    if (mine === this.generation) this.unsubscribe = stop;
    else stop(); // overflowed during the replay
  }

  private accept(event: BridgeEvent): void {
    if (this.queue.length - this.head >= this.maxPending) {
      // Full: let go of the stream; what follows is read from history once the queue has drained.
      this.state.overflows++;
      this.state.catchingUp = true;
      this.generation++;
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      return;
    }
    this.queue.push({ event, status: 'queued' });
    this.state.pending = this.queue.length - this.head;
    this.pump();
  }

  private confirmed(entry: Entry): void {
    const { state } = this;
    entry.status = 'confirmed';
    state.inFlight--;
    state.confirmed++;
    this.backoff.reset();
    const before = this.head;
    while (this.head < this.queue.length && this.queue[this.head]!.status === 'confirmed') {
      state.cursor = this.queue[this.head]!.event.id;
      this.head++;
    }
    const advanced = this.head > before;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.nextToSend = Math.max(0, this.nextToSend - this.head);
      this.head = 0;
    }
    state.pending = this.queue.length - this.head;
    if (advanced && state.cursor !== undefined) this.options.onCursor?.(state.cursor);
    if (state.catchingUp && !this.closed && state.pending <= this.maxPending / 2) {
      state.catchingUp = false;
      const last = this.queue.length > this.head ? this.queue[this.queue.length - 1]!.event.id : state.cursor;
      this.subscribe(last);
    }
    this.pump();
  }

  private failed(entry: Entry, error: unknown): void {
    entry.status = 'queued';
    this.state.inFlight--;
    this.state.failures++;
    this.options.onSendError?.(errorMessage(error));
    this.nextToSend = Math.min(this.nextToSend, Math.max(this.head, this.queue.indexOf(entry, this.head)));
    if (!this.retryTimer && !this.closed) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, this.backoff.next());
      this.retryTimer.unref?.();
    }
  }

  private pump(): void {
    if (!this.ready || this.closed || this.retryTimer) return;
    while (this.state.inFlight < this.maxInFlight && this.nextToSend < this.queue.length) {
      const index = this.nextToSend++;
      const entry = this.queue[index]!;
      if (index < this.head || entry.status !== 'queued') continue;
      entry.status = 'sending';
      this.state.inFlight++;
      const message = mapOutbound(entry.event, this.options.target, this.options.payload, this.options.origin);
      this.options.send(message).then(
        () => this.confirmed(entry),
        (error) => this.failed(entry, error),
      );
    }
  }
}
