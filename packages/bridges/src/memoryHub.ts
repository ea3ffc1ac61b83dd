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
  const historySize = options.historySize ?? DEFAULT_MEMORY_HISTORY_SIZE;
  const maxKeys = options.maxIdempotencyKeys ?? DEFAULT_MAX_IDEMPOTENCY_KEYS;
  const now = options.now ?? Date.now;
  const history: BridgeEvent[] = [];
  const keys = new Map<string, string>();
  const subscriptions = new Set<Subscription>();
  const stats: MemoryBridgeHubStats = { stored: 0, duplicates: 0, invalid: 0, unavailable: 0, keys: 0, keysEvicted: 0 };
  let available = true;
  let lastMs = -1;
  let seq = 0;
  // Numeric position of every id issued, to tell "expired" from "unknown".
  const issuedEpoch = `${now()}`;
  let issued = 0;

  const nextId = (ms: number): string => {
    if (ms > lastMs) {
      lastMs = ms;
      seq = 0;
    } else seq++;
    issued++;
    return `${lastMs}-${seq}`;
  };

  const deliver = (sub: Subscription, event: BridgeEvent) => {
    if (!sub.channels || sub.channels.has(event.channel)) sub.listener(event);
  };

  const store = (input: BridgePublishInput, key: string | undefined): BridgePublishResult => {
    if (key !== undefined) {
      const known = keys.get(key);
      if (known !== undefined) {
        stats.duplicates++;
        return { ok: true, id: known, duplicate: true };
      }
    }
    const problem = validatePublishInput(input);
    if (problem) {
      stats.invalid++;
      return { ok: false, message: problem };
    }
    const ms = now();
    const event: BridgeEvent = {
      id: nextId(ms),
      channel: input.channel,
      type: input.type ?? 'info',
      priority: input.priority ?? 'normal',
      timestamp: new Date(ms).toISOString(),
      ...(input.message !== undefined ? { message: input.message } : {}),
      ...(input.data !== undefined ? { data: structuredClone(input.data) } : {}),
    };
    history.push(event);
    if (history.length > historySize) history.shift();
    if (key !== undefined) {
      keys.set(key, event.id);
      if (keys.size > maxKeys) {
        keys.delete(keys.keys().next().value as string);
        stats.keysEvicted++;
      }
      stats.keys = keys.size;
    }
    stats.stored++;
    for (const sub of [...subscriptions]) if (subscriptions.has(sub)) deliver(sub, event);
    return { ok: true, id: event.id, duplicate: false };
  };

  const replay = (sub: Subscription, afterId: string, onGap: BridgeSubscribeOptions['onGap']) => {
    const at = history.findIndex((e) => e.id === afterId);
    if (at >= 0) {
      for (const event of history.slice(at + 1)) deliver(sub, event);
      return;
    }
    onGap?.({ reason: isOlderThanRetained(afterId) ? 'expired' : 'unknown', afterId });
    for (const event of [...history]) deliver(sub, event);
  };

  // An id this hub issued and no longer retains: same shape, not after the newest one.
  const isOlderThanRetained = (id: string): boolean => {
    const m = /^(\d+)-(\d+)$/.exec(id);
    if (!m || issued === 0 || Number(m[1]) < Number(issuedEpoch)) return false;
    const [ms, s] = [Number(m[1]), Number(m[2])];
    return ms < lastMs || (ms === lastMs && s <= seq);
  };

  return {
    async publish(input: BridgePublishInput, opts: BridgePublishOptions): Promise<BridgePublishResult> {
      if (options.publishDelayMs) await new Promise((r) => setTimeout(r, options.publishDelayMs));
      if (!available) {
        stats.unavailable++;
        throw new Error('hub unavailable');
      }
      return store(input, opts.idempotencyKey);
    },
    subscribe(listener, opts = {}) {
      const sub: Subscription = { listener, channels: opts.channels ? new Set(opts.channels) : undefined };
      if (opts.afterId !== undefined) replay(sub, opts.afterId, opts.onGap);
      subscriptions.add(sub);
      return () => {
        subscriptions.delete(sub);
      };
    },
    events: () => [...history],
    setAvailable(value: boolean) {
      available = value;
    },
    stats: () => ({ ...stats }),
  };
}
