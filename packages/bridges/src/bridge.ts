import { randomBytes } from 'node:crypto';
import type { BackoffOptions } from './backoff.js';
import type { EgressCore } from './egressCore.js';
import type { EgressPayload } from './egressMapping.js';
import { BridgeError } from './errors.js';
import type { BridgeHub } from './hub.js';
import { createIngestCore, type IngestCore } from './ingestCore.js';
import type { IngestMapping } from './ingestMapping.js';
import type { BridgeRejection, BridgeState, ConnectionTracker, EgressGap } from './state.js';

/** A running bridge: one broker connection, ingest and/or egress. */
export interface Bridge {
  readonly name: string;
  readonly broker: BridgeState['broker'];
  /** Resolves once connected and set up the first time (it keeps trying until then, or until closed). */
  ready(): Promise<void>;
  /** Status and counters, for `/health` and metrics. */
  state(): BridgeState;
  /** Stops consuming and sending, closes the connection. Unacknowledged messages stay with the broker. */
  close(): Promise<void>;
}

/** Options every bridge takes. */
export interface BridgeCommonOptions {
  /** Names the bridge in state, consumer names and idempotency keys (`bridge:<name>:<message id>`). Letters, digits, `_`, `-`. */
  name: string;
  /**
   * Written by egress in the `ws-origin` header of every message; ingest skips messages that carry
   * it, so a bridge whose egress and ingest overlap does not loop. Give every server instance that
   * shares one event log the same origin. @default a random id per bridge
   */
  origin?: string | undefined;
  /** Reconnect pacing (and retry pacing while the hub fails). @default { initialDelayMs: 250, maxDelayMs: 10000 } */
  reconnect?: BackoffOptions | undefined;
  /** A hub publish that has not settled by then is a failure (the message is redelivered). @default 10000 */
  publishTimeoutMs?: number | undefined;
  /** Told about every refused (invalid) broker message. */
  onRejected?: ((rejection: BridgeRejection) => void) | undefined;
  /** Told when egress finds that the hub's history lost events it had not sent. */
  onGap?: ((gap: EgressGap) => void) | undefined;
}

/** Egress options every bridge takes. */
export interface EgressCommonOptions {
  /** @default 'envelope' */
  payload?: EgressPayload | undefined;
  /** Only events of these channels. @default every channel */
  channels?: readonly string[] | undefined;
  /** Events taken from the hub and not yet confirmed by the broker, at most (then history is read later). @default 10000 */
  maxPending?: number | undefined;
  /** Unconfirmed sends at once. @default 64 */
  maxInFlight?: number | undefined;
  /** A send the broker has not confirmed by then failed (it is resent). @default 10000 */
  sendTimeoutMs?: number | undefined;
  /** Start after this event id (from the hub's history) rather than with live events. */
  startAfterId?: string | undefined;
  /** Told each time every event up to `id` is confirmed (persist it, pass it back as `startAfterId`). */
  onCursor?: ((id: string) => void) | undefined;
}

/** Default {@link EgressCommonOptions.sendTimeoutMs}. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/** Checks the name and fills in the origin. */
export function commonDefaults(options: BridgeCommonOptions): { name: string; origin: string } {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.name ?? '')) {
    throw new BridgeError(
      'invalid_option',
      `bridge name must be 1-64 letters, digits, "_" or "-" (got ${JSON.stringify(options.name)})`,
    );
  }
  return { name: options.name, origin: options.origin ?? `ws-${randomBytes(6).toString('hex')}` };
}

/** A promise with its settle functions, for `ready()`. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Rejects with a `timeout` error if `promise` has not settled within `ms`. */
export function timeLimit<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BridgeError('timeout', `${what} not confirmed within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The parts every bridge assembles its {@link Bridge} from. */
export interface BridgeParts {
  name: string;
  broker: BridgeState['broker'];
  tracker: ConnectionTracker;
  ready: ReturnType<typeof deferred>;
  ingest: IngestCore | undefined;
  egress: EgressCore | undefined;
  /** Closes the broker side (consumers, publishers, connection). */
  shutdown(): Promise<void>;
}

/** Builds the {@link Bridge} object: `state()` from the tracker and the cores, `close()` once. */
export function bridgeHandle(parts: BridgeParts): Bridge {
  const { name, broker, tracker, ready, ingest, egress } = parts;
  let closing: Promise<void> | undefined;
  return {
    name,
    broker,
    ready: () => ready.promise,
    state: () => ({
      name,
      broker,
      status: tracker.status,
      since: tracker.since,
      reconnects: tracker.reconnects,
      lastError: tracker.lastError,
      ingest: ingest ? { ...ingest.state } : undefined,
      egress: egress ? { ...egress.state } : undefined,
    }),
    close() {
      closing ??= (async () => {
        tracker.set('closed');
        ready.reject(new BridgeError('closed', `bridge ${name} closed`));
        egress?.close();
        await parts.shutdown();
      })();
      return closing;
    },
  };
}

/** The ingest core of a bridge, from its common options. */
export function ingestCoreFor(
  hub: BridgeHub,
  options: BridgeCommonOptions,
  ids: { name: string; origin: string },
  mapping: IngestMapping | undefined,
  tracker: ConnectionTracker,
): IngestCore | undefined {
  if (!mapping) return undefined;
  return createIngestCore({
    hub,
    ...ids,
    mapping,
    publishTimeoutMs: options.publishTimeoutMs,
    retryBackoff: options.reconnect,
    onRejected: options.onRejected,
    onRetry: (error) => tracker.error(`ingest: the hub did not store a message (left with the broker): ${error}`),
  });
}

/** Throws unless at least one direction is configured. */
export function requireDirection(name: string, ingest: unknown, egress: unknown): void {
  if (!ingest && !egress) throw new BridgeError('invalid_option', `bridge ${name}: give ingest, egress, or both`);
}
