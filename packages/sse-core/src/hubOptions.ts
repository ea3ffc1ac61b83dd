import type { Bus } from './bus.js';
import type { OverflowPolicy } from './connection.js';
import { SseError } from './errors.js';
import type { HubEvent } from './event.js';
import type { SseEventFields } from './frame.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat.js';
import { createMemoryBus } from './memoryBus.js';

/** Default byte budget of one connection's queue (its own queue plus what the transport buffers): 512 KiB. */
export const DEFAULT_MAX_QUEUE_BYTES = 512 * 1024;
/** Default connection cap per hub. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Default `retry:` hint sent on connect, in milliseconds. */
export const DEFAULT_RETRY_MS = 2000;
/** Default jitter of the maximum lifetime: connections live between 80% and 100% of it. */
export const DEFAULT_LIFETIME_JITTER = 0.2;
/** Queued bytes past which a connection is flushed at once instead of at the end of the tick: 64 KiB. */
export const DEFAULT_FLUSH_THRESHOLD_BYTES = 64 * 1024;
/** Default longest time one end-of-tick flush writes before it lets I/O in: 1 ms. */
export const DEFAULT_FLUSH_SLICE_MS = 1;
/** Name of the built-in format. */
export const DEFAULT_FORMAT = 'default';

/** Renders an event for one format. The hub adds the `id:` itself. Called at most once per event per format. */
export type EventFormatter = (event: HubEvent) => Omit<SseEventFields, 'id' | 'retry'>;

/** Options of {@link createHub}. `null` disables a feature; `undefined` means its default. */
export interface HubOptions {
  /** Bus + History. @default createMemoryBus() (1000 events, 4 MiB of history) */
  bus?: Bus;
  /** Most concurrent connections; past it `subscribe` throws `too_many_connections` (adapters answer 503); `null`: no cap. @default 10000 ({@link DEFAULT_MAX_CONNECTIONS}) */
  maxConnections?: number | null;
  /** Byte budget per connection. @default 524288 (512 KiB, {@link DEFAULT_MAX_QUEUE_BYTES}) */
  maxQueueBytes?: number;
  /** Policy when a connection exceeds its budget. @default 'drop-oldest' */
  overflow?: OverflowPolicy;
  /**
   * Longest silence on a connection: a keep-alive comment is written to every connection that has
   * had no write (including its connect) for this long, so the first one comes at most this long
   * after connecting. One shared timer; `null` disables. @default 15000 ({@link DEFAULT_HEARTBEAT_INTERVAL_MS})
   */
  heartbeatIntervalMs?: number | null;
  /** Send a named `ping` event `{"timestamp":"<ISO>"}` instead of the keep-alive comment. @default false */
  ping?: boolean;
  /** `retry:` hint sent on connect, in ms; `null` sends none. @default 2000 ({@link DEFAULT_RETRY_MS}) */
  retryMs?: number | null;
  /** Maximum connection lifetime in ms; the server then ends the response and the client resumes. `null`: unlimited. @default null */
  maxLifetimeMs?: number | null;
  /** Fraction of the lifetime taken off at random, to spread reconnects; in [0, 1). @default 0.2 ({@link DEFAULT_LIFETIME_JITTER}) */
  lifetimeJitter?: number;
  /** Extra named formats a connection can pick. `default` renders `event: <type>` (omitted for `message`) and the data. @default {} */
  formats?: Record<string, EventFormatter>;
  /** Queued bytes past which a connection is flushed immediately. @default 65536 (64 KiB, {@link DEFAULT_FLUSH_THRESHOLD_BYTES}), or `maxQueueBytes` if that is smaller */
  flushThresholdBytes?: number;
  /**
   * Longest time, in ms, one end-of-tick flush spends writing before it yields to I/O (incoming
   * publishes, other requests); the connections it did not reach are written first on the next
   * turn, together with what was queued for them meanwhile. Under load this batches several events
   * into one write per connection instead of one write per event; an idle hub writes everything in
   * the same turn. `null`: write every waiting connection in one turn, however long it takes.
   * @default 1 ({@link DEFAULT_FLUSH_SLICE_MS})
   */
  flushSliceMs?: number | null;
  /**
   * Turns a non-string `data` (of `publish` and of private messages) into the event's data; must
   * return a string. Strings are never passed to it: they are sent as they are. @default JSON.stringify
   */
  serializer?: (data: unknown) => string;
  /** Receives errors the hub cannot hand to a caller (a formatter that throws, a failed replay). @default console.error (stderr) */
  onError?: (error: unknown) => void;
}

/** {@link HubOptions} with every default applied and checked. Internal. */
export interface HubSettings {
  bus: Bus;
  maxConnections: number | null;
  maxQueueBytes: number;
  overflow: OverflowPolicy;
  heartbeatMs: number | null;
  ping: boolean;
  retryMs: number | null;
  lifetimeMs: number | null;
  jitter: number;
  formats: Record<string, EventFormatter>;
  flushThreshold: number;
  flushSliceMs: number | null;
  serializer: (data: unknown) => string;
  onError: (error: unknown) => void;
}

function positive(name: string, value: number | null | undefined, allowZero = false): void {
  if (value === null || value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new SseError(
      'invalid_option',
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${value})`,
    );
  }
}

const orDefault = <T>(value: T | null | undefined, fallback: T): T | null => (value === undefined ? fallback : value);

/** Applies the defaults and throws `SseError` `invalid_option` for a bad or contradictory value, naming it. */
export function resolveHubOptions(options: HubOptions): HubSettings {
  const settings: HubSettings = {
    bus: options.bus ?? createMemoryBus(),
    maxConnections: orDefault(options.maxConnections, DEFAULT_MAX_CONNECTIONS),
    maxQueueBytes: options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
    overflow: options.overflow ?? 'drop-oldest',
    heartbeatMs: orDefault(options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS),
    ping: options.ping ?? false,
    retryMs: orDefault(options.retryMs, DEFAULT_RETRY_MS),
    lifetimeMs: options.maxLifetimeMs ?? null,
    jitter: options.lifetimeJitter ?? DEFAULT_LIFETIME_JITTER,
    formats: options.formats ?? {},
    // A small budget brings the default threshold down with it; only an explicit threshold above it is an error.
    flushThreshold:
      options.flushThresholdBytes ??
      Math.min(DEFAULT_FLUSH_THRESHOLD_BYTES, options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES),
    flushSliceMs: orDefault(options.flushSliceMs, DEFAULT_FLUSH_SLICE_MS),
    serializer: options.serializer ?? JSON.stringify,
    onError: options.onError ?? ((error: unknown) => console.error('[sse-core]', error)),
  };
  positive('maxConnections', settings.maxConnections);
  positive('maxQueueBytes', settings.maxQueueBytes);
  positive('heartbeatIntervalMs', settings.heartbeatMs);
  positive('retryMs', settings.retryMs, true);
  positive('maxLifetimeMs', settings.lifetimeMs);
  positive('flushThresholdBytes', settings.flushThreshold);
  positive('flushSliceMs', settings.flushSliceMs);
  if (!(settings.jitter >= 0 && settings.jitter < 1)) {
    throw new SseError('invalid_option', `lifetimeJitter must be in [0, 1) (got ${settings.jitter})`);
  }
  if (settings.flushThreshold > settings.maxQueueBytes) {
    throw new SseError(
      'invalid_option',
      `flushThresholdBytes (${settings.flushThreshold}) must not exceed maxQueueBytes (${settings.maxQueueBytes})`,
    );
  }
  return settings;
}
