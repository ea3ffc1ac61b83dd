/** Delivery priority. `high` events are written before `normal` ones and never dropped from a backlogged queue. */
export type Priority = 'normal' | 'high';

/** What a publisher hands to {@link Hub.publish}. */
export interface PublishInput {
  /**
   * Payload. A string is sent as it is (so pre-serialized JSON costs nothing more); any other value
   * goes through the hub's `serializer` (default `JSON.stringify`) once, at publish time.
   */
  data: unknown;
  /**
   * A plain-text rendering of the payload that a custom format may show instead of `data` (for
   * example a log line), so it need not parse `data` back. Stored and replayed with the event; the
   * default format ignores it. @default undefined
   */
  text?: string | undefined;
  /** Channel name. @default 'default' */
  channel?: string | undefined;
  /** Event type: becomes the SSE `event:` field in the default format, and is what `types` filters match; none means `message`. @default undefined */
  type?: string | undefined;
  /** @default 'normal' */
  priority?: Priority | undefined;
}

/** An event once the bus has accepted it: it has an id and a timestamp. Immutable. */
export interface HubEvent {
  /** Opaque, unique, ordered by the bus. Also the SSE `id:` field. */
  readonly id: string;
  readonly channel: string;
  readonly type: string | undefined;
  /** The serialized payload. */
  readonly data: string;
  /** The publisher's plain-text rendering, if it gave one (see {@link PublishInput.text}). */
  readonly text: string | undefined;
  readonly priority: Priority;
  /** Milliseconds since the epoch, when the bus accepted the event. */
  readonly timestamp: number;
}

/** Channel used when a publisher names none. */
export const DEFAULT_CHANNEL = 'default';

/** The type a client dispatches for an event without `event:`; also what `types` filters call untyped events. */
export const DEFAULT_TYPE = 'message';

/** Reserved event type of the gap signal (see README "Gap signal"). */
export const GAP_EVENT = 'gap';

/** Reserved event type sent once a resumed subscriber's replay is fully written: `{"count": N}`. */
export const REPLAYED_EVENT = 'replayed';

/** Reserved event type of the optional heartbeat ping. */
export const PING_EVENT = 'ping';
