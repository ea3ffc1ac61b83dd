import { type BackoffOptions, createBackoff } from './backoff.js';
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
  const backoff = createBackoff(options.retryBackoff);
  const state: EgressState = {
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
  let queue: Entry[] = [];
  let head = 0; // entries before head are confirmed and dropped
  let nextToSend = 0; // no queued entry before this index
  let ready = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let generation = 0;
  let unsubscribe: (() => void) | undefined;

  const subscribe = (afterId: string | undefined) => {
    const mine = ++generation;
    const onGap = (gap: BridgeGap) => {
      state.gaps++;
      state.lastGap = { at: new Date().toISOString(), reason: gap.reason, afterId: gap.afterId };
      options.onGap?.(state.lastGap);
    };
    const stop = options.hub.subscribe((event) => mine === generation && accept(event), {
      afterId,
      channels: options.channels,
      onGap,
    });
    if (mine === generation) unsubscribe = stop;
    else stop(); // overflowed during the replay
  };

  const accept = (event: BridgeEvent) => {
    if (queue.length - head >= maxPending) {
      state.overflows++;
      state.catchingUp = true;
      generation++;
      unsubscribe?.();
      unsubscribe = undefined;
      return;
    }
    queue.push({ event, status: 'queued' });
    state.pending = queue.length - head;
    pump();
  };

  const confirmed = (entry: Entry) => {
    entry.status = 'confirmed';
    state.inFlight--;
    state.confirmed++;
    backoff.reset();
    let advanced = false;
    while (head < queue.length && queue[head]!.status === 'confirmed') {
      state.cursor = queue[head]!.event.id;
      head++;
      advanced = true;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      nextToSend = Math.max(0, nextToSend - head);
      head = 0;
    }
    state.pending = queue.length - head;
    if (advanced && state.cursor !== undefined) options.onCursor?.(state.cursor);
    if (state.catchingUp && !closed && state.pending <= maxPending / 2) {
      state.catchingUp = false;
      subscribe(queue.length > head ? queue[queue.length - 1]!.event.id : state.cursor);
    }
    pump();
  };

  const failed = (entry: Entry, error: unknown) => {
    entry.status = 'queued';
    state.inFlight--;
    state.failures++;
    options.onSendError?.(errorMessage(error));
    nextToSend = Math.min(nextToSend, Math.max(head, queue.indexOf(entry, head)));
    if (!retryTimer && !closed) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        pump();
      }, backoff.next());
      retryTimer.unref?.();
    }
  };
  const pump = () => {
    if (!ready || closed || retryTimer) return;
    while (state.inFlight < maxInFlight && nextToSend < queue.length) {
      const index = nextToSend++;
      const entry = queue[index]!;
      if (index < head || entry.status !== 'queued') continue;
      entry.status = 'sending';
      state.inFlight++;
      const message = mapOutbound(entry.event, options.target, options.payload, options.origin);
      options.send(message).then(
        () => confirmed(entry),
        (error) => failed(entry, error),
      );
    }
  };

  return {
    state,
    start() {
      if (!closed && generation === 0) subscribe(options.startAfterId);
    },
    setReady(value) {
      ready = value;
      pump();
    },
    close() {
      closed = true;
      generation++;
      unsubscribe?.();
      unsubscribe = undefined;
      clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
