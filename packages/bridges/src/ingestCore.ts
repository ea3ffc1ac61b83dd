import { type BackoffOptions, createBackoff } from './backoff.js';
import { HEADERS } from './egressMapping.js';
import type { BridgeHub, BridgePublishResult } from './hub.js';
import { type InboundMessage, type IngestMapping, mapInbound } from './ingestMapping.js';
import { type BridgeRejection, errorMessage, type IngestState } from './state.js';

/** Default {@link IngestCoreOptions.publishTimeoutMs}. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;

/**
 * What the adapter does with the broker message:
 * - `ack`: stored (or already stored, or an echo): acknowledge it;
 * - `reject`: it can never be stored: dead-letter / terminate it (it is counted and reported);
 * - `retry`: the hub could not store it now: leave it unacknowledged, wait `delayMs`, let the broker redeliver.
 */
export type IngestOutcome =
  | { action: 'ack'; id: string | undefined; duplicate: boolean }
  | { action: 'reject'; reason: string }
  | { action: 'retry'; error: string; delayMs: number };

/** Options of {@link createIngestCore}. */
export interface IngestCoreOptions {
  hub: BridgeHub;
  /** Bridge name; idempotency keys are `bridge:<name>:<message id>`. */
  name: string;
  mapping: IngestMapping;
  /** Messages whose `ws-origin` header equals this are skipped (this bridge's egress sent them). */
  origin: string;
  /** A publish that has not settled by then counts as a hub failure (retried). @default 10000 */
  publishTimeoutMs?: number | undefined;
  /** Pacing of retries while the hub fails. */
  retryBackoff?: BackoffOptions | undefined;
  /** Told about every refused message. */
  onRejected?: ((rejection: BridgeRejection) => void) | undefined;
  /** Told about every hub failure (the message is left with the broker). */
  onRetry?: ((error: string) => void) | undefined;
}

/** The broker-independent part of ingest: map, publish with an idempotency key, decide the ack. */
export interface IngestCore {
  handle(msg: InboundMessage): Promise<IngestOutcome>;
  /** Counts a message that failed and that the broker cannot redeliver (NATS core, MQTT QoS 0). */
  lost(): void;
  readonly state: IngestState;
}

/** Creates an {@link IngestCore}. */
export function createIngestCore(options: IngestCoreOptions): IngestCore {
  const timeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const backoff = createBackoff(options.retryBackoff);
  const state: IngestState = {
    received: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    echoes: 0,
    retries: 0,
    withoutKey: 0,
    lost: 0,
    lastRejection: undefined,
  };

  const reject = (msg: InboundMessage, messageId: string | undefined, reason: string): IngestOutcome => {
    state.rejected++;
    const rejection = { at: new Date().toISOString(), source: msg.source, messageId, reason };
    state.lastRejection = rejection;
    options.onRejected?.(rejection);
    return { action: 'reject', reason };
  };

  return {
    state,
    lost() {
      state.lost++;
    },
    async handle(msg) {
      state.received++;
      if (msg.headers[HEADERS.origin] === options.origin) {
        state.echoes++;
        return { action: 'ack', id: undefined, duplicate: false };
      }
      const mapped = mapInbound(msg, options.mapping);
      if (!mapped.ok) return reject(msg, msg.nativeId ?? msg.fallbackId, mapped.reason);
      const key = mapped.messageId === undefined ? undefined : `bridge:${options.name}:${mapped.messageId}`;
      let result: BridgePublishResult;
      try {
        result = await withTimeout(options.hub.publish(mapped.input, { idempotencyKey: key }), timeoutMs);
      } catch (error) {
        state.retries++;
        options.onRetry?.(errorMessage(error));
        return { action: 'retry', error: errorMessage(error), delayMs: backoff.next() };
      }
      backoff.reset();
      if (!result.ok) return reject(msg, mapped.messageId, result.message);
      if (result.duplicate) state.duplicates++;
      else state.stored++;
      if (key === undefined) state.withoutKey++;
      return { action: 'ack', id: result.id, duplicate: result.duplicate };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the hub did not store the message within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
