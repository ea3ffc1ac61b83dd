/** Delivery priority, as `/api/push` accepts it. */
export type BridgePriority = 'low' | 'normal' | 'high';

/** What a bridge hands to {@link BridgeHub.publish}: the fields of a `/api/push` body. */
export interface BridgePublishInput {
  /** Message text (1-65,536 characters). At least one of `message` and `data` is given. */
  message?: string | undefined;
  /** Any JSON value. */
  data?: unknown;
  /** `info`, `warning`, `error`, `success` or `custom`; the hub's default (`info`) when absent. */
  type?: string | undefined;
  /** Channel name: 1-64 letters, digits, `.`, `_`, `:` or `-`. */
  channel: string;
  /** @default 'normal' */
  priority?: BridgePriority | undefined;
}

/** Options of one {@link BridgeHub.publish} call. */
export interface BridgePublishOptions {
  /**
   * When the hub has already stored an event under this key (and still remembers it), it stores
   * nothing and resolves with that event's id and `duplicate: true`. Bridges namespace their keys
   * (`bridge:<name>:<message id>`), so they never collide with `/api/push` keys.
   */
  idempotencyKey?: string | undefined;
}

/**
 * What {@link BridgeHub.publish} resolves with:
 * - `{ ok: true, id, duplicate }`: the event is stored (now, or earlier under the same key);
 * - `{ ok: false, message }`: the input is invalid (what `/api/push` answers with a 4xx): retrying
 *   the same input can never succeed, so the bridge rejects the broker message (see README).
 *
 * A hub that cannot store anything right now (its backend is down) REJECTS the promise instead: the
 * bridge then leaves the broker message unacknowledged and retries it later.
 */
export type BridgePublishResult =
  | { readonly ok: true; readonly id: string; readonly duplicate: boolean }
  | { readonly ok: false; readonly message: string };

/** A stored event as {@link BridgeHub.subscribe} delivers it (the `?format=json` envelope). */
export interface BridgeEvent {
  /** Opaque, unique, increasing in delivery order. */
  readonly id: string;
  readonly channel: string;
  readonly type: string;
  readonly priority: string;
  /** ISO-8601 UTC time the hub stored the event. */
  readonly timestamp: string;
  readonly message?: string | undefined;
  readonly data?: unknown;
}

/**
 * Told, before any replayed event, when a subscription with `afterId` cannot be proven gap-free:
 * `expired` the hub's history no longer holds every event after `afterId`; `unknown` the hub never
 * issued `afterId` (another epoch, a flushed store). The retained events follow.
 */
export interface BridgeGap {
  readonly reason: 'expired' | 'unknown';
  /** The id the subscription asked to resume after. */
  readonly afterId: string;
}

/** Options of {@link BridgeHub.subscribe}. */
export interface BridgeSubscribeOptions {
  /** Replay the retained events after this id first, then live ones. @default undefined (live only) */
  afterId?: string | undefined;
  /** Only events of these channels (exact names). @default undefined (every channel) */
  channels?: readonly string[] | undefined;
  /** Called once, before the replayed events, when the replay has a gap (see {@link BridgeGap}). */
  onGap?: ((gap: BridgeGap) => void) | undefined;
}

/**
 * The hub as the bridges see it: the server implements it over its event log (and
 * {@link createMemoryBridgeHub} in memory, for tests). One event log, one id per message, whichever
 * way it came in or goes out.
 */
export interface BridgeHub {
  /**
   * Publishes into the event log; resolves once stored (same validation as `/api/push`).
   * Resolves `{ ok: false }` for invalid input, rejects when the hub cannot store right now.
   */
  publish(input: BridgePublishInput, options: BridgePublishOptions): Promise<BridgePublishResult>;
  /**
   * Delivers every event published from now on (or retained after `afterId`, then live), once each,
   * in id order, to `listener`. Returns the function that ends the subscription.
   */
  subscribe(listener: (event: BridgeEvent) => void, options?: BridgeSubscribeOptions): () => void;
}
