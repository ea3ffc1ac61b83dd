import type { HubEvent, PublishInput } from './event.js';

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

/** Called with every event published on any instance, once, in id order. */
export type BusListener = (event: HubEvent) => void;

/**
 * Bus + History: assigns ids, retains events, and delivers every event to every listening instance.
 * The in-memory implementation is {@link createMemoryBus}; a Redis Streams one fits the same shape.
 */
export interface Bus extends History {
  /** Accepts an event: assigns id and timestamp, retains it, delivers it to listeners. Rejects (with `SseError` code `backend_unavailable`) rather than drop. */
  publish(input: PublishInput): Promise<HubEvent>;
  /** Registers the local listener; returns the function that removes it. */
  listen(listener: BusListener): () => void;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
