import type {
  BridgeEvent,
  BridgeHub,
  BridgePublishInput,
  BridgePublishOptions,
  BridgePublishResult,
  BridgeSubscribeOptions,
} from './hub.js';
import { validatePublishInput } from './validate.js';

/** Default {@link MemoryBridgeHubOptions.historySize}. */
export const DEFAULT_MEMORY_HISTORY_SIZE = 1000;
/** Default {@link MemoryBridgeHubOptions.maxIdempotencyKeys}. */
export const DEFAULT_MAX_IDEMPOTENCY_KEYS = 10_000;

/** Options of {@link createMemoryBridgeHub}. */
export interface MemoryBridgeHubOptions {
  /** Events retained for `afterId` replays; older ones are dropped (a later replay reports a gap). @default 1000 */
  historySize?: number;
  /**
   * Idempotency keys remembered. When full, the oldest key is forgotten: a message redelivered with
   * a forgotten key is stored again (a duplicate). @default 10000
   */
  maxIdempotencyKeys?: number;
  /** Each publish waits this long before storing (to hold a bridge mid-stream in tests). @default 0 */
  publishDelayMs?: number;
  /** Clock for timestamps and ids. @default Date.now */
  now?: () => number;
}

/** Figures of a {@link MemoryBridgeHub}. */
export interface MemoryBridgeHubStats {
  /** Events stored. */
  stored: number;
  /** Publishes answered from the idempotency store (nothing stored). */
  duplicates: number;
  /** Publishes refused as invalid. */
  invalid: number;
  /** Publishes rejected because the hub was made unavailable. */
  unavailable: number;
  /** Idempotency keys remembered now. */
  keys: number;
  /** Keys forgotten because the store was full. */
  keysEvicted: number;
}

/** An in-memory {@link BridgeHub}, for tests and examples. */
export interface MemoryBridgeHub extends BridgeHub {
  /** The retained events, oldest first. */
  events(): readonly BridgeEvent[];
  /** While `false`, `publish` rejects (as a hub whose backend is down does). @default true */
  setAvailable(available: boolean): void;
  stats(): MemoryBridgeHubStats;
}

interface Subscription {
  listener: (event: BridgeEvent) => void;
  channels: ReadonlySet<string> | undefined;
}

/**
 * Creates an in-memory hub: validates like `/api/push`, dedupes idempotency keys in a bounded store
 * (oldest forgotten first), keeps a bounded history for `afterId` replays (with a gap when an id is
 * older than what it keeps, or was never issued), and delivers events synchronously in id order.
 */
export function createMemoryBridgeHub(options: MemoryBridgeHubOptions = {}): MemoryBridgeHub {
  const hub = new MemoryHub(options);
  return {
    publish: (input, opts) => hub.publish(input, opts),
    subscribe: (listener, opts) => hub.subscribe(listener, opts),
    events: () => [...hub.history],
    setAvailable: (available) => {
      hub.available = available;
    },
    stats: () => ({ ...hub.stats }),
  };
}

class MemoryHub {
  readonly history: BridgeEvent[] = [];
  readonly stats: MemoryBridgeHubStats = {
    stored: 0,
    duplicates: 0,
    invalid: 0,
    unavailable: 0,
    keys: 0,
    keysEvicted: 0,
  };
  available = true;
  private readonly keys = new Map<string, string>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly historySize: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly createdAt: number;
  private lastMs = -1;
  private seq = 0;

  constructor(private readonly options: MemoryBridgeHubOptions) {
    this.historySize = options.historySize ?? DEFAULT_MEMORY_HISTORY_SIZE;
    this.maxKeys = options.maxIdempotencyKeys ?? DEFAULT_MAX_IDEMPOTENCY_KEYS;
    this.now = options.now ?? Date.now;
    this.createdAt = this.now();
  }

  async publish(input: BridgePublishInput, opts: BridgePublishOptions): Promise<BridgePublishResult> {
    if (this.options.publishDelayMs) await new Promise((r) => setTimeout(r, this.options.publishDelayMs));
    if (!this.available) {
      this.stats.unavailable++;
      throw new Error('hub unavailable');
    }
    const key = opts.idempotencyKey;
    const known = key === undefined ? undefined : this.keys.get(key);
    if (known !== undefined) {
      this.stats.duplicates++;
      return { ok: true, id: known, duplicate: true };
    }
    const problem = validatePublishInput(input);
    if (problem) {
      this.stats.invalid++;
      return { ok: false, message: problem };
    }
    const event = this.store(input);
    if (key !== undefined) this.remember(key, event.id);
    for (const sub of [...this.subscriptions]) if (this.subscriptions.has(sub)) deliver(sub, event);
    return { ok: true, id: event.id, duplicate: false };
  }

  subscribe(listener: (event: BridgeEvent) => void, opts: BridgeSubscribeOptions = {}): () => void {
    const sub: Subscription = { listener, channels: opts.channels ? new Set(opts.channels) : undefined };
    if (opts.afterId !== undefined) this.replay(sub, opts.afterId, opts.onGap);
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
    };
  }

  private store(input: BridgePublishInput): BridgeEvent {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else this.seq++;
    const event: BridgeEvent = {
      id: `${this.lastMs}-${this.seq}`,
      channel: input.channel,
      type: input.type ?? 'info',
      priority: input.priority ?? 'normal',
      timestamp: new Date(ms).toISOString(),
      ...(input.message !== undefined ? { message: input.message } : {}),
      ...(input.data !== undefined ? { data: structuredClone(input.data) } : {}),
    };
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.shift();
    this.stats.stored++;
    return event;
  }

  private remember(key: string, id: string): void {
    this.keys.set(key, id);
    if (this.keys.size > this.maxKeys) {
      this.keys.delete(this.keys.keys().next().value as string);
      this.stats.keysEvicted++;
    }
    this.stats.keys = this.keys.size;
  }

  private replay(sub: Subscription, afterId: string, onGap: BridgeSubscribeOptions['onGap']): void {
    const at = this.history.findIndex((e) => e.id === afterId);
    if (at >= 0) {
      for (const event of this.history.slice(at + 1)) deliver(sub, event);
      return;
    }
    onGap?.({ reason: this.wasIssued(afterId) ? 'expired' : 'unknown', afterId });
    for (const event of [...this.history]) deliver(sub, event);
  }

  /** An id of this hub's shape, from its lifetime, not after the newest one. */
  private wasIssued(id: string): boolean {
    const m = /^(\d+)-(\d+)$/.exec(id);
    if (!m || this.lastMs < 0) return false;
    const [ms, seq] = [Number(m[1]), Number(m[2])];
    return ms >= this.createdAt && (ms < this.lastMs || (ms === this.lastMs && seq <= this.seq));
  }
}

function deliver(sub: Subscription, event: BridgeEvent): void {
  if (!sub.channels || sub.channels.has(event.channel)) sub.listener(event);
}
