import type { Bus, BusInput, PublishResult } from './bus.js';
import { ChannelIndex } from './channelIndex.js';
import type { CloseReason, Connection, SinkConnection } from './connection.js';
import { SseError } from './errors.js';
import type { HubEvent, PublishInput } from './event.js';
import { fanOut } from './fanOut.js';
import { FlushQueue } from './flushQueue.js';
import { encodeFrame, formatRetry } from './frame.js';
import { gapFrame } from './gap.js';
import { DEFAULT_FORMAT, type HubOptions, type HubSettings, resolveHubOptions } from './hubOptions.js';
import { HubTimers } from './hubTimers.js';
import { Renderer } from './render.js';
import type { SseSink } from './sink.js';
import { checkName, checkSubscribeOptions, type SubscribeOptions } from './subscribeOptions.js';
import { Subscriber, type SubscriberHost, type SubscriberLimits } from './subscriber.js';
import { changeSubscription, type SubscriptionChange, type SubscriptionState } from './subscriptionChange.js';

export type { EventFormatter, HubOptions } from './hubOptions.js';
export {
  DEFAULT_FLUSH_SLICE_MS,
  DEFAULT_FLUSH_THRESHOLD_BYTES,
  DEFAULT_FORMAT,
  DEFAULT_LIFETIME_JITTER,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_RETRY_MS,
} from './hubOptions.js';
export type { SubscribeOptions } from './subscribeOptions.js';

/** Counters of a hub. */
export interface HubStats {
  /** Open connections. */
  clients: number;
  /** Connections per channel; connections without a channel filter count under `*`. */
  channels: Record<string, number>;
  /** Events received from the bus (published on any instance). */
  published: number;
  /** Frames handed to transports (live, replayed and private). */
  delivered: number;
  /** Event frames dropped from overflowing queues (each covered by a gap event at its place). */
  dropped: number;
  /** Connections closed for exceeding their budget. */
  evicted: number;
  /** Bytes waiting in connection queues. */
  queuedBytes: number;
}

/** The fan-out hub. */
export interface Hub {
  /**
   * Validates (`SseError` `invalid_field` for a bad channel, type, text or a payload the serializer
   * refuses), serializes `data` once if it is not a string, and hands the event to the bus, which
   * assigns the id, retains it and has this instance fan it out. Resolves with the stored event
   * and how many connections on this instance it was queued to (see {@link PublishResult}).
   */
  publish(input: PublishInput): Promise<PublishResult>;
  /**
   * Attaches a connection writing to `sink` (adapters call it; a custom transport may too).
   * Throws `SseError` `invalid_option` for a bad option (unknown format, bad channel or type name,
   * bad replay count or lastEventId), `too_many_connections` at the cap, `closed` after
   * {@link Hub.close}. The adapters answer these with `400`, `503` and `503`.
   */
  subscribe(sink: SseSink, options?: SubscribeOptions): SinkConnection;
  /**
   * Changes the filters of one of this hub's open connections (see {@link SubscriptionChange}):
   * an added channel or type is delivered from the next event on (nothing is replayed for it, so
   * ids keep increasing); a removed one stops at once (frames already queued are still written).
   * Returns the filters now. Throws `SseError` `invalid_option` for a bad change, or one that would
   * leave a filter naming more than `maxNames` (default: no bound; nothing changes then), `closed`
   * if the connection is closed or not this hub's.
   */
  updateSubscription(connection: Connection, change: SubscriptionChange, maxNames?: number): SubscriptionState;
  /** Current counters. */
  stats(): HubStats;
  /** The bus this hub publishes to. */
  readonly bus: Bus;
  /** Closes every connection (flushing what is queued), stops the timers and closes the bus. */
  close(): Promise<void>;
}

/** The hub: a channel index, the renderer, the shared timers and the end-of-tick flush queue. */
class SseHub implements Hub {
  readonly bus: Bus;
  readonly #settings: HubSettings;
  readonly #index = new ChannelIndex<Subscriber>();
  readonly #renderer: Renderer;
  readonly #timers: HubTimers;
  readonly #host: SubscriberHost;
  readonly #limits: SubscriberLimits;
  readonly #preamble: Uint8Array;
  readonly #unlisten: () => void;
  #published = 0;
  #evicted = 0;
  /** What closed connections reported. */
  #retiredDelivered = 0;
  #retiredDropped = 0;
  #nextId = 1;
  #closed = false;

  constructor(settings: HubSettings) {
    this.#settings = settings;
    this.bus = settings.bus;
    const renderer = new Renderer(settings.formats, settings.serializer, settings.onError);
    this.#renderer = renderer;
    const flushQueue = new FlushQueue<Subscriber>(settings.flushSliceMs);
    const bus = settings.bus;
    this.#host = {
      schedule: (sub) => flushQueue.push(sub),
      detach: (sub, reason) => this.#detach(sub, reason),
      compareIds: (a, b) => bus.compareIds(a, b),
      render: (event, format) => renderer.render(event, format),
      privateFrame: (message) => renderer.privateFrame(message),
      epoch: 0,
    };
    this.#limits = {
      maxQueueBytes: settings.maxQueueBytes,
      overflow: settings.overflow,
      flushThresholdBytes: settings.flushThreshold,
    };
    this.#timers = new HubTimers(settings, this.#index.all, this.#host);
    const { retryMs } = settings;
    this.#preamble = encodeFrame(`: ok\n${retryMs === null ? '' : formatRetry(retryMs).slice(0, -1)}\n`);
    this.#unlisten = bus.listen((event) => this.#deliver(event));
  }

  #deliver(event: HubEvent): number {
    this.#published++;
    return fanOut(this.#index, this.#renderer, event);
  }

  #detach(sub: Subscriber, reason: CloseReason): void {
    this.#index.remove(sub);
    this.#retiredDelivered += sub.delivered;
    this.#retiredDropped += sub.dropped;
    if (reason === 'overflow') this.#evicted++;
    if (this.#index.size === 0) this.#timers.stop();
  }

  publish(input: PublishInput): Promise<PublishResult> {
    if (this.#closed) return Promise.reject(new SseError('closed', 'hub is closed'));
    let message: BusInput;
    try {
      if (input.channel !== undefined) checkName('channel', input.channel, 'invalid_field');
      if (input.type !== undefined) checkName('type', input.type, 'invalid_field');
      if (input.text !== undefined && typeof input.text !== 'string') {
        throw new SseError('invalid_field', 'text must be a string');
      }
      // A string payload goes to the bus as it is, without copying the input.
      message =
        typeof input.data === 'string' ? (input as BusInput) : { ...input, data: this.#renderer.serialize(input.data) };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.bus.publish(message);
  }

  subscribe(sink: SseSink, requested: SubscribeOptions = {}): SinkConnection {
    if (this.#closed) throw new SseError('closed', 'hub is closed');
    const opts = checkSubscribeOptions(requested);
    const { maxConnections } = this.#settings;
    if (maxConnections !== null && this.#index.size >= maxConnections) {
      throw new SseError('too_many_connections', `connection limit reached (${maxConnections}); retry later`);
    }
    const format = opts.format ?? DEFAULT_FORMAT;
    this.#renderer.check(format);
    const sub = new Subscriber(this.#host, sink, {
      id: this.#nextId++,
      channels: opts.channels?.length ? new Set(opts.channels) : null,
      types: opts.types?.length ? new Set(opts.types) : null,
      format,
      limits: this.#limits,
    });
    this.#index.add(sub);
    this.#timers.joined(sub);
    sub.writeNow(this.#preamble);
    if (opts.lastEventId !== undefined || (opts.replay !== undefined && opts.replay > 0)) this.#replay(sub, opts);
    return sub;
  }

  updateSubscription(connection: Connection, change: SubscriptionChange, maxNames?: number): SubscriptionState {
    const sub = connection as Subscriber;
    if (!this.#index.all.has(sub))
      throw new SseError('closed', `connection ${connection.id} is closed or not this hub's`);
    return changeSubscription(this.#index, sub, change, maxNames);
  }

  /** Reads the history for a resuming or replaying connection; live events are held meanwhile. */
  #replay(sub: Subscriber, { lastEventId, replay }: SubscribeOptions): void {
    sub.beginReplay();
    const pending =
      lastEventId !== undefined
        ? this.bus.after(lastEventId)
        : this.bus.latest(replay as number).then((events) => ({ events, gap: undefined }));
    pending.then(
      ({ events, gap }) =>
        sub.finishReplay(
          events,
          gap === undefined ? undefined : gapFrame({ reason: gap, lastEventId: lastEventId as string }),
        ),
      (error: unknown) => {
        this.#settings.onError(error);
        sub.close('error');
      },
    );
  }

  stats(): HubStats {
    let delivered = this.#retiredDelivered;
    let dropped = this.#retiredDropped;
    let queuedBytes = 0;
    for (const sub of this.#index.all) {
      delivered += sub.delivered;
      dropped += sub.dropped;
      queuedBytes += sub.queuedBytes;
    }
    const { size: clients } = this.#index;
    return {
      clients,
      channels: this.#index.counts(),
      published: this.#published,
      delivered,
      dropped,
      evicted: this.#evicted,
      queuedBytes,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    for (const sub of [...this.#index.all]) sub.close('hub-closed');
    this.#timers.stop();
    await this.bus.close();
  }
}

/** Creates a hub. See {@link HubOptions} for every option and its default. */
export function createHub(options: HubOptions = {}): Hub {
  return new SseHub(resolveHubOptions(options));
}
