import type { HubEvent, Priority } from './event.js';

/** Why a replay could not start exactly after the requested id. */
export type GapReason =
  /** The id is older than anything retained: events between it and the oldest retained one are gone. */
  | 'expired'
  /** The id was never issued by this history (another server epoch, a flushed store, or garbage). */
  | 'unknown';

/** Result of {@link History.after}. */
export interface ReplayResult {
  /** Events to send, oldest first. When `gap` is set these are every retained event the bus can place after the id. */
  readonly events: readonly HubEvent[];
  /** Set when delivery cannot be proven gap-free; the hub then sends the gap signal first. */
  readonly gap?: GapReason | undefined;
}

/** Retained events, for replay. Ids are opaque strings; only the history that issued them can order them. */
export interface History {
  /** Events after `lastEventId`, oldest first, or every retained event with a gap reason. */
  after(lastEventId: string): Promise<ReplayResult>;
  /** The `count` most recent events, oldest first. */
  latest(count: number): Promise<readonly HubEvent[]>;
  /** Orders two ids issued by this history. */
  compareIds(a: string, b: string): number;
}

/** What the hub hands to {@link Bus.publish}: the payload is serialized by now. */
export interface BusInput {
  data: string;
  text?: string | undefined;
  /** @default 'default' */
  channel?: string | undefined;
  type?: string | undefined;
  /** @default 'normal' */
  priority?: Priority | undefined;
}

/**
 * Called with every event published on any instance, once, in id order. Returns how many
 * subscribers it queued the event to (the hub's listener does); the bus reports the sum of what
 * its listeners returned in {@link PublishResult.queued}.
 */
export type BusListener = (event: HubEvent) => number | undefined;

/**
 * Whether this instance's listeners had the event before `publish` resolved:
 * - `delivered`: yes; `queued` is exact;
 * - `timeout`: the local reader did not deliver it within the bus's bound (a Redis reader that is
 *   reconnecting, say); it is retained, and delivered here when the reader catches up;
 * - `skipped`: the local reader is already past it and will not deliver it here (it was published
 *   before the reader started, or trimmed from the stream before the reader reached it);
 * - `closed`: the bus closed first.
 * `queued` is `0` in every case but `delivered`.
 */
export type LocalDelivery = 'delivered' | 'timeout' | 'skipped' | 'closed';

/** What {@link Bus.publish} (and so {@link Hub.publish}) resolves with. */
export interface PublishResult {
  /** The stored event: id and timestamp assigned, retained. */
  readonly event: HubEvent;
  /** Subscribers on this instance the event was queued to (`0` unless `local` is `delivered`). */
  readonly queued: number;
  /** Whether the fan-out on this instance happened before `publish` resolved, or why not. */
  readonly local: LocalDelivery;
}

/**
 * Bus + History: assigns ids, retains events, and delivers every event to every listening instance.
 * The in-memory implementation is {@link createMemoryBus}; `@ws/redis` is one on Redis Streams.
 *
 * `publish` resolves once the event is retained AND this instance's listeners have had it (their
 * fan-out is done), with the count they reported; a bus whose local delivery is asynchronous waits
 * for it for a bounded time and otherwise resolves with `local` saying why not. It rejects (with
 * `SseError` code `backend_unavailable`) rather than drop: a resolved publish is a retained event.
 */
export interface Bus extends History {
  /** Accepts an event: assigns id and timestamp, retains it, delivers it to listeners (see above). */
  publish(input: BusInput): Promise<PublishResult>;
  /** Registers a local listener; returns the function that removes it. */
  listen(listener: BusListener): () => void;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
