import type { Bus } from './bus.js';
import { SseError } from './errors.js';
import { DEFAULT_TYPE, type HubEvent, PING_EVENT, type PublishInput } from './event.js';
import { encodeFrame, formatComment, formatEvent, formatRetry, type SseEventFields } from './frame.js';
import { gapFrame, unrenderableFrame } from './gap.js';
import { createSharedTimer, DEFAULT_HEARTBEAT_INTERVAL_MS, heartbeatTicks } from './heartbeat.js';
import { createMemoryBus } from './memoryBus.js';
import type { SseSink } from './sink.js';
import { checkName, checkSubscribeOptions, type SubscribeOptions } from './subscribeOptions.js';
import { type CloseReason, type OverflowPolicy, Subscriber, type SubscriberHost } from './subscriber.js';

export type { SubscribeOptions } from './subscribeOptions.js';

/** Default byte budget of one subscriber's queue (its own queue plus what the transport buffers). */
export const DEFAULT_MAX_QUEUE_BYTES = 512 * 1024;
/** Default connection cap per hub. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Default `retry:` hint sent on connect, in milliseconds. */
export const DEFAULT_RETRY_MS = 2000;
/** Default jitter of the maximum lifetime: connections live between 80% and 100% of it. */
export const DEFAULT_LIFETIME_JITTER = 0.2;
/** Queued bytes past which a subscriber is flushed at once instead of at the end of the tick. */
export const DEFAULT_FLUSH_THRESHOLD_BYTES = 64 * 1024;
/** Name of the built-in format. */
export const DEFAULT_FORMAT = 'default';

/** Renders an event for one format. The hub adds the `id:` itself. Called at most once per event per format. */
export type EventFormatter = (event: HubEvent) => Omit<SseEventFields, 'id' | 'retry'>;

/** Options of {@link createHub}. `null` disables a feature; `undefined` means its default. */
export interface HubOptions {
  /** Bus + History. Default: {@link createMemoryBus} with its defaults. */
  bus?: Bus;
  /** Most concurrent subscribers; past it `subscribe` throws `too_many_connections` (adapters answer 503). Default {@link DEFAULT_MAX_CONNECTIONS}. */
  maxConnections?: number | null;
  /** Byte budget per subscriber. Default {@link DEFAULT_MAX_QUEUE_BYTES}. */
  maxQueueBytes?: number;
  /** Policy when a subscriber exceeds its budget. Default `drop-oldest`. */
  overflow?: OverflowPolicy;
  /**
   * Longest silence on a connection: a keep-alive comment is written to every connection that has
   * had no write (including its connect) for this long, so the first one comes at most this long
   * after connecting. One shared timer. Default {@link DEFAULT_HEARTBEAT_INTERVAL_MS}; `null` disables.
   */
  heartbeatIntervalMs?: number | null;
  /** Send a named `ping` event `{"timestamp":"<ISO>"}` instead of the keep-alive comment. Default `false`. */
  ping?: boolean;
  /** `retry:` hint sent on connect. Default {@link DEFAULT_RETRY_MS}; `null` sends none. */
  retryMs?: number | null;
  /** Maximum connection lifetime; the server then ends the response and the client resumes. Default `null` (unlimited). */
  maxLifetimeMs?: number | null;
  /** Fraction of the lifetime taken off at random, to spread reconnects. Default {@link DEFAULT_LIFETIME_JITTER}. */
  lifetimeJitter?: number;
  /** Extra named formats a subscriber can pick. `default` renders `event: <type>` (omitted for `message`) and the data. */
  formats?: Record<string, EventFormatter>;
  /** Queued bytes past which a subscriber is flushed immediately. Default {@link DEFAULT_FLUSH_THRESHOLD_BYTES}. */
  flushThresholdBytes?: number;
  /** Called after each event's fan-out on this instance with the number of subscribers it was queued to. */
  onFanout?: (event: HubEvent, subscribers: number) => void;
  /** Receives errors the hub cannot hand to a caller (a formatter that throws, a failed replay). Default: `console.error` (stderr). */
  onError?: (error: unknown) => void;
}

/** Counters of a hub. */
export interface HubStats {
  /** Connected subscribers. */
  clients: number;
  /** Subscribers per channel; subscribers without a channel filter count under `*`. */
  channels: Record<string, number>;
  /** Events received from the bus (published on any instance). */
  published: number;
  /** Event frames handed to transports (live and replayed). */
  delivered: number;
  /** Event frames dropped from overflowing queues (each covered by a gap event at its place). */
  dropped: number;
  /** Subscribers disconnected for exceeding their budget. */
  evicted: number;
  /** Bytes waiting in subscriber queues. */
  queuedBytes: number;
}

/** The fan-out hub. */
export interface Hub {
  /** Validates, hands to the bus (which assigns the id and retains it), and fans out. */
  publish(input: PublishInput): Promise<HubEvent>;
  /**
   * Attaches a connection. Throws `SseError` `invalid_option` for a bad option (unknown format, bad
   * channel or type name, bad replay count or lastEventId), `too_many_connections` at the cap,
   * `closed` after {@link Hub.close}. The adapters answer these with `400`, `503` and `503`.
   */
  subscribe(sink: SseSink, options?: SubscribeOptions): Subscriber;
  /** Current counters. */
  stats(): HubStats;
  /** The bus this hub publishes to. */
  readonly bus: Bus;
  /** Closes every subscriber (flushing what is queued), stops the timers and closes the bus. */
  close(): Promise<void>;
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

const defaultFormatter: EventFormatter = (e) => ({
  event: e.type === undefined || e.type === DEFAULT_TYPE ? undefined : e.type,
  data: e.data,
});

/** The frames of one event being fanned out, each rendered on first use (a gap frame when its formatter threw). */
interface Rendering {
  readonly event: HubEvent;
  defaultFrame: Uint8Array | undefined;
  frames: Map<string, Uint8Array> | undefined;
}

/** Creates a hub. See {@link HubOptions} for every default. */
export function createHub(options: HubOptions = {}): Hub {
  const bus = options.bus ?? createMemoryBus();
  const maxConnections = options.maxConnections === undefined ? DEFAULT_MAX_CONNECTIONS : options.maxConnections;
  const maxQueueBytes = options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  const heartbeatMs =
    options.heartbeatIntervalMs === undefined ? DEFAULT_HEARTBEAT_INTERVAL_MS : options.heartbeatIntervalMs;
  const retryMs = options.retryMs === undefined ? DEFAULT_RETRY_MS : options.retryMs;
  const lifetimeMs = options.maxLifetimeMs ?? null;
  const jitter = options.lifetimeJitter ?? DEFAULT_LIFETIME_JITTER;
  const flushThreshold = options.flushThresholdBytes ?? DEFAULT_FLUSH_THRESHOLD_BYTES;
  const onError = options.onError ?? ((error: unknown) => console.error('[sse-core]', error));
  positive('maxConnections', maxConnections);
  positive('maxQueueBytes', maxQueueBytes);
  positive('heartbeatIntervalMs', heartbeatMs);
  positive('retryMs', retryMs, true);
  positive('maxLifetimeMs', lifetimeMs);
  positive('flushThresholdBytes', flushThreshold);
  if (!(jitter >= 0 && jitter < 1)) {
    throw new SseError('invalid_option', `lifetimeJitter must be in [0, 1) (got ${jitter})`);
  }
  if (flushThreshold > maxQueueBytes) {
    throw new SseError(
      'invalid_option',
      `flushThresholdBytes (${flushThreshold}) must not exceed maxQueueBytes (${maxQueueBytes})`,
    );
  }
  const formatters = new Map<string, EventFormatter>([[DEFAULT_FORMAT, defaultFormatter]]);
  for (const [name, f] of Object.entries(options.formats ?? {})) formatters.set(name, f);

  const all = new Set<Subscriber>();
  const unfiltered = new Set<Subscriber>();
  const byChannel = new Map<string, Set<Subscriber>>();
  const counters = { published: 0, delivered: 0, dropped: 0, evicted: 0, queuedBytes: 0 };
  // Heartbeat clock (`host.epoch`): the timer ticks `ticks` times per interval; a connection whose
  // last write was `ticks` ticks ago or more gets the keep-alive, so none stays silent longer than the interval.
  const ticks = heartbeatMs === null ? 1 : heartbeatTicks(heartbeatMs);
  let nextSubscriberId = 1;
  let closed = false;

  let dirty: Subscriber[] = [];
  let flushPending = false;
  const flushAll = (): void => {
    flushPending = false;
    const batch = dirty;
    dirty = [];
    for (const sub of batch) sub.flush();
  };

  // The `id:` is always the bus's and comes first, whatever a formatter returns: ordering, resuming
  // and the queue's drop bookkeeping (which reads it back) rely on it.
  const encodeWith =
    (formatter: EventFormatter) =>
    (event: HubEvent): Uint8Array =>
      encodeFrame(formatEvent({ ...formatter(event), id: event.id, retry: undefined }));
  const encoders = new Map([...formatters].map(([name, f]) => [name, encodeWith(f)] as const));

  const preamble = encodeFrame(`: ok\n${retryMs === null ? '' : formatRetry(retryMs).slice(0, -1)}\n`);
  const keepAlive = encodeFrame(formatComment());
  const heartbeat =
    heartbeatMs === null
      ? undefined
      : createSharedTimer(Math.max(1, Math.floor(heartbeatMs / ticks)), () => {
          const epoch = ++host.epoch;
          const frame = options.ping
            ? encodeFrame(
                formatEvent({ event: PING_EVENT, data: JSON.stringify({ timestamp: new Date().toISOString() }) }),
              )
            : keepAlive;
          const staleAfter = epoch - ticks;
          for (const sub of all) sub.heartbeat(frame, staleAfter);
        });
  const lifetimeTimer =
    lifetimeMs === null
      ? undefined
      : createSharedTimer(Math.min(1000, lifetimeMs), () => {
          const now = Date.now();
          for (const sub of all) if (sub.expiresAt !== undefined && sub.expiresAt <= now) sub.close('lifetime');
        });

  const host: SubscriberHost = {
    schedule(sub) {
      dirty.push(sub);
      if (!flushPending) {
        flushPending = true;
        setImmediate(flushAll);
      }
    },
    detach(sub: Subscriber, _reason: CloseReason) {
      all.delete(sub);
      if (sub.channels === null) unfiltered.delete(sub);
      else
        for (const ch of sub.channels) {
          const set = byChannel.get(ch);
          set?.delete(sub);
          if (set?.size === 0) byChannel.delete(ch);
        }
      if (all.size === 0) {
        heartbeat?.stop();
        lifetimeTimer?.stop();
      }
    },
    compareIds: (a, b) => bus.compareIds(a, b),
    counters,
    epoch: 0,
  };

  // Each event is serialized once per format in use, lazily (most events meet one format only).
  // The fan-out path creates no closures: one small record per event carries the frames.
  const defaultEncode = encoders.get(DEFAULT_FORMAT) as (e: HubEvent) => Uint8Array;
  function render(event: HubEvent, format: string): Uint8Array {
    try {
      return format === DEFAULT_FORMAT ? defaultEncode(event) : (encoders.get(format) as typeof defaultEncode)(event);
    } catch (error) {
      onError(error);
      return unrenderableFrame(event.id, error);
    }
  }
  function frameFor(r: Rendering, format: string): Uint8Array {
    if (format === DEFAULT_FORMAT) {
      if (r.defaultFrame === undefined) r.defaultFrame = render(r.event, format);
      return r.defaultFrame;
    }
    r.frames ??= new Map();
    let frame = r.frames.get(format);
    if (frame === undefined) {
      frame = render(r.event, format);
      r.frames.set(format, frame);
    }
    return frame;
  }
  function visit(set: Set<Subscriber>, r: Rendering, type: string): number {
    let reached = 0;
    for (const sub of set) {
      if (sub.types !== null && !sub.types.has(type)) continue;
      sub.push(r.event, frameFor(r, sub.format));
      reached++;
    }
    return reached;
  }
  function deliver(event: HubEvent): void {
    counters.published++;
    const scoped = byChannel.get(event.channel);
    if (unfiltered.size === 0 && scoped === undefined) {
      options.onFanout?.(event, 0);
      return;
    }
    const type = event.type ?? DEFAULT_TYPE;
    const r: Rendering = { event, defaultFrame: undefined, frames: undefined };
    let reached = visit(unfiltered, r, type);
    if (scoped !== undefined) reached += visit(scoped, r, type);
    options.onFanout?.(event, reached);
  }
  const unlisten = bus.listen(deliver);

  return {
    bus,
    publish(input) {
      if (closed) return Promise.reject(new SseError('closed', 'hub is closed'));
      try {
        if (input.channel !== undefined) checkName('channel', input.channel, 'invalid_field');
        if (input.type !== undefined) checkName('type', input.type, 'invalid_field');
        if (typeof input.data !== 'string') throw new SseError('invalid_field', 'data must be a string');
      } catch (error) {
        return Promise.reject(error);
      }
      return bus.publish(input);
    },

    subscribe(sink, requested = {}) {
      if (closed) throw new SseError('closed', 'hub is closed');
      const opts = checkSubscribeOptions(requested);
      if (maxConnections !== null && all.size >= maxConnections) {
        throw new SseError('too_many_connections', `connection limit reached (${maxConnections}); retry later`);
      }
      const format = opts.format ?? DEFAULT_FORMAT;
      const encode = encoders.get(format);
      if (encode === undefined) {
        throw new SseError('invalid_option', `unknown format "${format}" (known: ${[...encoders.keys()].join(', ')})`);
      }
      const channels = opts.channels?.length ? new Set(opts.channels) : null;
      const types = opts.types?.length ? new Set(opts.types) : null;
      const sub = new Subscriber(host, sink, {
        id: nextSubscriberId++,
        channels,
        types,
        format,
        encode: (event) => render(event, format),
        maxQueueBytes,
        overflow: options.overflow ?? 'drop-oldest',
        flushThresholdBytes: flushThreshold,
      });
      all.add(sub);
      if (channels === null) unfiltered.add(sub);
      else
        for (const ch of channels) {
          let set = byChannel.get(ch);
          if (set === undefined) {
            set = new Set();
            byChannel.set(ch, set);
          }
          set.add(sub);
        }
      heartbeat?.ensure();
      if (lifetimeMs !== null) {
        sub.expiresAt = Date.now() + Math.round(lifetimeMs * (1 - Math.random() * jitter));
        lifetimeTimer?.ensure();
      }
      sub.writeNow(preamble);

      const { lastEventId, replay } = opts;
      if (lastEventId !== undefined || (replay !== undefined && replay > 0)) {
        sub.beginReplay();
        const pending =
          lastEventId !== undefined
            ? bus.after(lastEventId)
            : bus.latest(replay as number).then((events) => ({ events, gap: undefined }));
        pending.then(
          ({ events, gap }) =>
            sub.finishReplay(
              events,
              gap === undefined ? undefined : gapFrame({ reason: gap, lastEventId: lastEventId as string }),
            ),
          (error: unknown) => {
            onError(error);
            sub.close('error');
          },
        );
      }
      return sub;
    },

    stats() {
      const channels: Record<string, number> = {};
      if (unfiltered.size > 0) channels['*'] = unfiltered.size;
      for (const [ch, set] of byChannel) channels[ch] = set.size;
      return { clients: all.size, channels, ...counters };
    },

    async close() {
      if (closed) return;
      closed = true;
      unlisten();
      for (const sub of [...all]) sub.close('hub-closed');
      heartbeat?.stop();
      lifetimeTimer?.stop();
      await bus.close();
    },
  };
}
