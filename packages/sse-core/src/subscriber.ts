import type { CloseReason, OverflowPolicy, PrivateMessage, SinkConnection } from './connection.js';
import { DEFAULT_TYPE, type HubEvent } from './event.js';
import { OrderedQueue } from './orderedQueue.js';
import { Replay } from './replay.js';
import type { SseSink } from './sink.js';

/** The hub side of a subscriber: scheduling, rendering, ordering and the heartbeat clock. Internal. */
export interface SubscriberHost {
  /** Queue `subscriber` for its end-of-tick write (it is not queued already); the hub calls {@link Subscriber.flushScheduled}. */
  schedule(subscriber: Subscriber): void;
  /** `subscriber` closed: take it out of the index and count what it reports. */
  detach(subscriber: Subscriber, reason: CloseReason): void;
  compareIds(a: string, b: string): number;
  /** An event's frame in `format` (a gap frame when its formatter throws). */
  render(event: HubEvent, format: string): Uint8Array;
  /** The frame of a private message; throws `SseError` `invalid_field` for a bad one. */
  privateFrame(message: PrivateMessage): Uint8Array;
  /** Heartbeat ticks so far; a write remembers the tick it happened in. */
  readonly epoch: number;
}

/** The queue limits, the same for every connection of a hub: one object shared by all of them. */
export interface SubscriberLimits {
  readonly maxQueueBytes: number;
  readonly overflow: OverflowPolicy;
  readonly flushThresholdBytes: number;
}

/** Settings a subscriber is built with. Internal; see `SubscribeOptions` for the public face. */
export interface SubscriberInit {
  id: number;
  channels: ReadonlySet<string> | null;
  types: ReadonlySet<string> | null;
  format: string;
  limits: SubscriberLimits;
}

/** Gets the connection too, so one function can serve every connection (no closure per connection). */
type CloseListener = (reason: CloseReason, connection: Subscriber) => void;

/**
 * One SSE connection: its filters and a bounded queue of serialized frames, written to the sink
 * with backpressure, always in id order. High-priority frames are never dropped and are flushed
 * at once instead of at the end of the tick. Internal: users see it as a {@link SinkConnection}.
 *
 * It writes none of the hub's counters: it keeps its own (`delivered`, `dropped`, `queuedBytes`),
 * which the hub reads, and its close reason tells the hub whether it was evicted.
 */
export class Subscriber implements SinkConnection {
  readonly id: number;
  readonly channels: ReadonlySet<string> | null;
  readonly types: ReadonlySet<string> | null;
  readonly format: string;
  /** Deadline of the maximum lifetime (ms since epoch), if one applies; set by the hub. */
  expiresAt: number | undefined;

  readonly #host: SubscriberHost;
  readonly #sink: SseSink;
  readonly #limits: SubscriberLimits;
  readonly #queue = new OrderedQueue();
  #blocked = false;
  #scheduled = false;
  #closed = false;
  #lastWriteEpoch: number;
  #replay: Replay | undefined;
  #delivered = 0;
  #dropped = 0;
  /** One listener as it is (the common case), several in an array. */
  #onClose: CloseListener | CloseListener[] | undefined;

  constructor(host: SubscriberHost, sink: SseSink, init: SubscriberInit) {
    this.#host = host;
    this.#sink = sink;
    this.#limits = init.limits;
    this.id = init.id;
    this.channels = init.channels;
    this.types = init.types;
    this.format = init.format;
    this.#lastWriteEpoch = host.epoch;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get queuedBytes(): number {
    return this.#queue.bytes + (this.#replay?.heldBytes ?? 0);
  }

  /** Frames handed to the transport (live, replayed and private). */
  get delivered(): number {
    return this.#delivered;
  }

  /** Event frames dropped from this queue (each covered by a gap event at its place). */
  get dropped(): number {
    return this.#dropped;
  }

  onClose(listener: CloseListener): void {
    if (this.#closed) return;
    const listeners = this.#onClose;
    if (listeners === undefined) this.#onClose = listener;
    else if (typeof listeners === 'function') this.#onClose = [listeners, listener];
    else listeners.push(listener);
  }

  /** Whether the filters let `event` through. */
  matches(event: HubEvent): boolean {
    if (this.channels !== null && !this.channels.has(event.channel)) return false;
    return this.types === null || this.types.has(event.type ?? DEFAULT_TYPE);
  }

  /** Writes bytes ahead of everything (the connection preamble). */
  writeNow(chunk: Uint8Array): void {
    this.#write(chunk);
  }

  /** A live event (already filtered by the hub) and its frame in this subscriber's format. */
  push(event: HubEvent, frame: Uint8Array): void {
    if (this.#closed) return;
    const replay = this.#replay;
    if (replay !== undefined) {
      if (replay.phase === 'waiting') {
        if (replay.hold(event, frame) > this.#limits.maxQueueBytes) this.close('overflow');
        return;
      }
      if (replay.isDuplicate(event.id, this.#host.compareIds)) return;
      if (replay.finished) this.#replay = undefined;
    }
    const high = event.priority === 'high';
    const size = frame.byteLength;
    if (this.#over(size) && !this.#makeRoom(event.id, size, high)) return;
    this.#queue.push(frame, high);
    // A high event is not held back by coalescing; a large backlog is not held back either.
    if ((high || this.#queue.bytes >= this.#limits.flushThresholdBytes) && !this.#blocked) this.flush();
    else this.#scheduleFlush();
  }

  send(message: PrivateMessage): boolean {
    if (this.#closed) return false;
    const frame = this.#host.privateFrame(message);
    if (this.#over(frame.byteLength)) return false;
    // Queued like a high frame: in order behind what is queued, never dropped (it has no id to
    // name in a gap), written at once.
    this.#queue.push(frame, true);
    if (!this.#blocked) this.flush();
    return true;
  }

  /**
   * Applies the overflow policy before queuing `size` more bytes. True when there is room now;
   * false when the event was dropped (and recorded as missed in place) or the subscriber closed.
   */
  #makeRoom(id: string, size: number, high: boolean): boolean {
    if (this.#limits.overflow === 'disconnect') {
      this.close('overflow');
      return false;
    }
    while (this.#over(size) && this.#queue.dropOldestNormal() > 0) this.#dropped++;
    if (!this.#over(size)) return true;
    if (high) {
      // Only high-priority frames are left and they may not be dropped: keep the bound by closing.
      this.close('overflow');
      return false;
    }
    this.#queue.dropIncoming(id);
    this.#dropped++;
    this.#scheduleFlush();
    return false;
  }

  /**
   * Whether `size` more bytes would exceed the budget. The transport's buffer counts only while it
   * refuses writes: until then its bytes are on their way to the kernel, not piling up.
   */
  #over(size: number): boolean {
    const stuck = this.#blocked ? this.#sink.bufferedBytes() : 0;
    return this.#queue.bytes + stuck + size > this.#limits.maxQueueBytes;
  }

  #scheduleFlush(): void {
    if (this.#scheduled || this.#blocked) return;
    this.#scheduled = true;
    this.#host.schedule(this);
  }

  /** Starts a replay: live events are held back until {@link finishReplay}. */
  beginReplay(): void {
    this.#replay = new Replay();
  }

  /** Delivers the replay result: optional gap frame, the replayed events, then the held-back live events. */
  finishReplay(events: readonly HubEvent[], gap: Uint8Array | undefined): void {
    const replay = this.#replay;
    if (this.#closed || replay === undefined) return;
    const held = replay.start(events, gap, (event) => this.matches(event));
    for (let i = 0; i < held.events.length; i++) this.push(held.events[i] as HubEvent, held.frames[i] as Uint8Array);
    this.#scheduleFlush();
  }

  drain(): void {
    if (!this.#blocked || this.#closed) return;
    this.#blocked = false;
    this.flush();
  }

  /** The hub's flush queue reached this subscriber: it may be queued again from now on. */
  flushScheduled(): void {
    this.#scheduled = false;
    this.flush();
  }

  /** Writes everything queued as one chunk (after the replay slices, if any are left). */
  flush(): void {
    if (this.#closed || this.#blocked) return;
    const replay = this.#replay;
    if (replay !== undefined && replay.phase === 'writing' && !this.#writeReplay(replay)) return;
    const frames = this.#queue.frames;
    const chunk = this.#queue.take();
    if (chunk === undefined) return;
    this.#delivered += frames;
    this.#write(chunk);
  }

  /** Writes replay slices while the sink accepts them; true when the replay is fully written. */
  #writeReplay(replay: Replay): boolean {
    const gap = replay.takeGap();
    if (gap !== undefined) {
      this.#write(gap);
      if (this.#closed || this.#blocked) return false;
    }
    const render = (event: HubEvent) => this.#host.render(event, this.format);
    for (let slice = replay.nextSlice(render); slice !== undefined; slice = replay.nextSlice(render)) {
      this.#delivered += slice.frames;
      this.#write(slice.chunk);
      if (this.#closed || this.#blocked) return false;
    }
    this.#write(replay.finish());
    if (replay.finished) this.#replay = undefined;
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
   * Heartbeat tick: writes `frame` (a comment or a `ping` event, never an id) if nothing was
   * written to this connection since heartbeat tick `staleAfter`, and the transport takes bytes.
   */
  heartbeat(frame: Uint8Array, staleAfter: number): void {
    if (this.#closed || this.#blocked || this.#lastWriteEpoch > staleAfter) return;
    this.#write(frame);
  }

  close(reason: CloseReason = 'server'): void {
    if (this.#closed) return;
    if (reason === 'lifetime' || reason === 'hub-closed') {
      this.flush();
      if (this.#closed) return;
    }
    this.#closed = true;
    this.#queue.clear();
    this.#replay?.clear();
    this.#replay = undefined;
    this.#host.detach(this, reason);
    try {
      this.#sink.close();
    } catch {
      // The peer is gone already; nothing to end.
    }
    const listeners = this.#onClose;
    this.#onClose = undefined;
    if (typeof listeners === 'function') listeners(reason, this);
    else if (listeners !== undefined) for (const listener of listeners) listener(reason, this);
  }
}
