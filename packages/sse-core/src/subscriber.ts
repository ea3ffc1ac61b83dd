import { DEFAULT_TYPE, type HubEvent, REPLAYED_EVENT } from './event.js';
import { concatFrames, encodeFrame, formatEvent } from './frame.js';
import { OrderedQueue } from './orderedQueue.js';
import type { SseSink } from './sink.js';

/** What happens when a subscriber's queue exceeds its byte budget. */
export type OverflowPolicy =
  /**
   * Drop the oldest normal-priority frames; each dropped run becomes one `gap` event
   * (`{"reason":"overflow","missed":N,"firstId":"…","lastId":"…"}`) at the place those events had.
   */
  | 'drop-oldest'
  /** Close the connection; the client reconnects with `Last-Event-ID` and replays from history. */
  | 'disconnect';

/** Why a subscriber was closed. */
export type CloseReason = 'client' | 'overflow' | 'lifetime' | 'hub-closed' | 'error' | 'server';

/** The hub side of a subscriber: scheduling, shared counters and the heartbeat clock. Internal. */
export interface SubscriberHost {
  schedule(subscriber: Subscriber): void;
  detach(subscriber: Subscriber, reason: CloseReason): void;
  compareIds(a: string, b: string): number;
  counters: { delivered: number; dropped: number; evicted: number; queuedBytes: number };
  /** Heartbeat ticks so far; a write remembers the tick it happened in. */
  epoch: number;
}

/** Settings a subscriber is built with. Internal; see {@link SubscribeOptions} for the public face. */
export interface SubscriberInit {
  id: number;
  channels: ReadonlySet<string> | null;
  types: ReadonlySet<string> | null;
  format: string;
  /** Renders an event in this subscriber's format; `null` when the formatter failed (already reported). */
  encode: (event: HubEvent) => Uint8Array;
  maxQueueBytes: number;
  overflow: OverflowPolicy;
  flushThresholdBytes: number;
}

/** Bytes of replay written per slice, so a long replay honours backpressure too. */
const REPLAY_SLICE_BYTES = 64 * 1024;

/**
 * One SSE connection: its filters and a bounded queue of serialized frames, written to the sink
 * with backpressure, always in id order. High-priority frames are never dropped and are flushed
 * at once instead of at the end of the tick.
 */
export class Subscriber {
  /** Unique within the hub. */
  readonly id: number;
  /** Channel filter; `null` means every channel. */
  readonly channels: ReadonlySet<string> | null;
  /** Type filter; `null` means every type. */
  readonly types: ReadonlySet<string> | null;
  /** Name of the format frames are rendered with. */
  readonly format: string;
  /** Deadline of the maximum lifetime (ms since epoch), if one applies. */
  expiresAt: number | undefined;

  readonly #host: SubscriberHost;
  readonly #sink: SseSink;
  readonly #init: SubscriberInit;
  readonly #queue = new OrderedQueue();
  #blocked = false;
  #scheduled = false;
  #closed = false;
  #lastWriteEpoch: number;
  // Replay: live events that arrive before the replay result are held in #early; replayed
  // events are written from #replay in slices; live events with ids <= #floor are duplicates.
  #replayState: 'none' | 'waiting' | 'writing' = 'none';
  #early: HubEvent[] = [];
  #earlyBytes = 0;
  #replay: readonly HubEvent[] = [];
  #replayPos = 0;
  #replayGap: Uint8Array | undefined;
  #floor: string | undefined;
  #onClose: ((reason: CloseReason) => void)[] = [];

  /** @internal Built by {@link Hub.subscribe}. */
  constructor(host: SubscriberHost, sink: SseSink, init: SubscriberInit) {
    this.#host = host;
    this.#sink = sink;
    this.#init = init;
    this.id = init.id;
    this.channels = init.channels;
    this.types = init.types;
    this.format = init.format;
    this.#lastWriteEpoch = host.epoch;
  }

  /** True once closed, by either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting in this subscriber's own queue (not yet handed to the transport). */
  get queuedBytes(): number {
    return this.#queue.bytes + this.#earlyBytes;
  }

  /** Registers a callback for when the connection closes (called once, with the reason). */
  onClose(listener: (reason: CloseReason) => void): void {
    if (this.#closed) return;
    this.#onClose.push(listener);
  }

  /** Whether the filters let `event` through. */
  matches(event: HubEvent): boolean {
    if (this.channels !== null && !this.channels.has(event.channel)) return false;
    return this.types === null || this.types.has(event.type ?? DEFAULT_TYPE);
  }

  /** @internal Writes bytes ahead of everything (the connection preamble). */
  writeNow(chunk: Uint8Array): void {
    this.#write(chunk);
  }

  /** @internal A live event (already filtered by the hub) and its frame in this subscriber's format. */
  push(event: HubEvent, frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#replayState === 'waiting') {
      this.#early.push(event);
      this.#earlyBytes += frame.byteLength;
      this.#host.counters.queuedBytes += frame.byteLength;
      if (this.#earlyBytes > this.#init.maxQueueBytes) this.#evict();
      return;
    }
    if (this.#floor !== undefined) {
      if (this.#host.compareIds(event.id, this.#floor) <= 0) return;
      this.#floor = undefined;
    }
    const high = event.priority === 'high';
    const size = frame.byteLength;
    if (this.#over(size) && !this.#makeRoom(event, size, high)) return;
    this.#queue.push(frame, high);
    this.#host.counters.queuedBytes += size;
    // A high event is not held back by coalescing; a large backlog is not held back either.
    if ((high || this.#queue.bytes >= this.#init.flushThresholdBytes) && !this.#blocked) this.flush();
    else this.#scheduleFlush();
  }

  /**
   * Applies the overflow policy before queuing `size` more bytes. True when there is room now;
   * false when the event was dropped (and recorded as missed in place) or the subscriber closed.
   */
  #makeRoom(event: HubEvent, size: number, high: boolean): boolean {
    if (this.#init.overflow === 'disconnect') {
      this.#evict();
      return false;
    }
    const counters = this.#host.counters;
    while (this.#over(size)) {
      const freed = this.#queue.dropOldestNormal();
      if (freed === 0) break;
      counters.queuedBytes -= freed;
      counters.dropped++;
    }
    if (!this.#over(size)) return true;
    if (high) {
      // Only high-priority frames are left and they may not be dropped: keep the bound by closing.
      this.#evict();
      return false;
    }
    this.#queue.dropIncoming(event.id);
    counters.dropped++;
    this.#scheduleFlush();
    return false;
  }

  /**
   * Whether `size` more bytes would exceed the budget. The transport's buffer counts only while it
   * refuses writes: until then its bytes are on their way to the kernel, not piling up.
   */
  #over(size: number): boolean {
    const stuck = this.#blocked ? this.#sink.bufferedBytes() : 0;
    return this.#queue.bytes + stuck + size > this.#init.maxQueueBytes;
  }

  #evict(): void {
    this.#host.counters.evicted++;
    this.close('overflow');
  }

  #scheduleFlush(): void {
    if (this.#scheduled || this.#blocked) return;
    this.#scheduled = true;
    this.#host.schedule(this);
  }

  /** @internal Starts a replay: live events are held back until {@link finishReplay}. */
  beginReplay(): void {
    this.#replayState = 'waiting';
  }

  /** @internal Delivers the replay result: optional gap frame, the replayed events, then the held-back live events. */
  finishReplay(events: readonly HubEvent[], gap: Uint8Array | undefined): void {
    if (this.#closed) return;
    this.#replayGap = gap;
    const replay = events.filter((e) => this.matches(e));
    const early = this.#early;
    this.#host.counters.queuedBytes -= this.#earlyBytes;
    this.#early = [];
    this.#earlyBytes = 0;
    // The newest id the replay covers: held-back or later live events up to it are duplicates.
    const last = events.at(-1);
    this.#floor = last?.id;
    this.#replay = replay;
    this.#replayPos = 0;
    // Always 'writing', even with nothing to replay: the replay ends with the `replayed` marker.
    this.#replayState = 'writing';
    for (const event of early) {
      this.push(event, this.#init.encode(event));
    }
    this.#scheduleFlush();
  }

  /** Called by the adapter when the transport can take more bytes. */
  drain(): void {
    if (!this.#blocked || this.#closed) return;
    this.#blocked = false;
    this.flush();
  }

  /** @internal Writes everything queued as one chunk (after the replay slices, if any are left). */
  flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#blocked) return;
    if (this.#replayState === 'writing' && !this.#writeReplay()) return;
    const frames = this.#queue.frames;
    const bytes = this.#queue.bytes;
    const chunk = this.#queue.take();
    if (chunk === undefined) return;
    this.#host.counters.queuedBytes -= bytes;
    this.#host.counters.delivered += frames;
    this.#write(chunk);
  }

  /** Writes replay slices while the sink accepts them; true when the replay is fully written. */
  #writeReplay(): boolean {
    if (this.#replayGap) {
      const gap = this.#replayGap;
      this.#replayGap = undefined;
      this.#write(gap);
      if (this.#closed || this.#blocked) return false;
    }
    while (this.#replayPos < this.#replay.length) {
      const parts: Uint8Array[] = [];
      let total = 0;
      while (this.#replayPos < this.#replay.length && total < REPLAY_SLICE_BYTES) {
        const frame = this.#init.encode(this.#replay[this.#replayPos++] as HubEvent);
        parts.push(frame);
        total += frame.byteLength;
      }
      if (parts.length === 0) continue;
      this.#host.counters.delivered += parts.length;
      this.#write(parts.length === 1 ? (parts[0] as Uint8Array) : concatFrames(parts, total));
      if (this.#closed || this.#blocked) return false;
    }
    const count = this.#replay.length;
    this.#replay = [];
    this.#replayState = 'none';
    this.#write(encodeFrame(formatEvent({ event: REPLAYED_EVENT, data: JSON.stringify({ count }) })));
    return !this.#closed && !this.#blocked;
  }

  #write(chunk: Uint8Array): void {
    this.#lastWriteEpoch = this.#host.epoch;
    let ok: boolean;
    try {
      ok = this.#sink.write(chunk);
    } catch {
      this.close('error');
      return;
    }
    if (!ok && !this.#closed) this.#blocked = true;
  }

  /**
   * @internal Heartbeat tick: writes `frame` (a comment or a `ping` event, never an id) if nothing
   * was written to this connection since heartbeat tick `staleAfter`, and the transport takes bytes.
   */
  heartbeat(frame: Uint8Array, staleAfter: number): void {
    if (this.#closed || this.#blocked || this.#lastWriteEpoch > staleAfter) return;
    this.#write(frame);
  }

  /** Closes the connection and frees its queue. Idempotent. */
  close(reason: CloseReason = 'server'): void {
    if (this.#closed) return;
    if (reason === 'lifetime' || reason === 'hub-closed') {
      this.flush();
      if (this.#closed) return;
    }
    this.#closed = true;
    this.#host.counters.queuedBytes -= this.#queue.bytes + this.#earlyBytes;
    this.#queue.clear();
    this.#early = [];
    this.#replay = [];
    this.#earlyBytes = 0;
    this.#host.detach(this, reason);
    try {
      this.#sink.close();
    } catch {
      // The peer is gone already; nothing to end.
    }
    for (const listener of this.#onClose.splice(0)) listener(reason);
  }
}
