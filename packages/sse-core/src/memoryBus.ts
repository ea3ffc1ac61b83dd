import type { Bus, BusInput, BusListener, PublishResult } from './bus.js';
import { SseError } from './errors.js';
import { DEFAULT_CHANNEL, type HubEvent } from './event.js';
import { RingHistory } from './ringHistory.js';
import { compareStreamIds, createStreamIdGenerator } from './streamId.js';

/** Default number of events the in-memory history retains. */
export const DEFAULT_HISTORY_MAX_EVENTS = 1000;
/** Default byte budget of the in-memory history (approximate: UTF-16 code units of data and text plus a fixed overhead). */
export const DEFAULT_HISTORY_MAX_BYTES = 4 * 1024 * 1024;

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Most events retained for replay; `0` keeps none. @default 1000 ({@link DEFAULT_HISTORY_MAX_EVENTS}) */
  maxEvents?: number;
  /** Byte budget of retained events; the oldest are evicted past it. @default 4194304 (4 MiB, {@link DEFAULT_HISTORY_MAX_BYTES}) */
  maxBytes?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/** Counters of the in-memory history. */
export interface MemoryBusStats {
  retainedEvents: number;
  retainedBytes: number;
  /** Events evicted from history since start. */
  evicted: number;
}

function checkLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SseError('invalid_option', `${name} must be a non-negative integer (got ${value})`);
  }
}

/** Delivers to every listener, synchronously, and sums what they queued. */
function deliver(listeners: ReadonlySet<BusListener>, event: HubEvent): number {
  let queued = 0;
  for (const listener of listeners) queued += listener(event) ?? 0;
  return queued;
}

/**
 * A single-process {@link Bus}: a ring buffer for history and synchronous delivery to listeners,
 * so `publish` resolves with `local: 'delivered'` and the exact count, always.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus & { stats(): MemoryBusStats } {
  const maxEvents = options.maxEvents ?? DEFAULT_HISTORY_MAX_EVENTS;
  const maxBytes = options.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
  checkLimit('maxEvents', maxEvents);
  checkLimit('maxBytes', maxBytes);
  const now = options.now ?? Date.now;
  const nextId = createStreamIdGenerator(now);
  const history = new RingHistory(maxEvents, maxBytes);
  const listeners = new Set<BusListener>();
  let closed = false;

  return {
    publish(input: BusInput): Promise<PublishResult> {
      if (closed) return Promise.reject(new SseError('closed', 'bus is closed'));
      const event: HubEvent = {
        id: nextId(),
        channel: input.channel ?? DEFAULT_CHANNEL,
        type: input.type,
        data: input.data,
        text: input.text,
        priority: input.priority ?? 'normal',
        timestamp: now(),
      };
      history.retain(event);
      const queued = deliver(listeners, event);
      return Promise.resolve({ event, queued, local: 'delivered' });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    after: (lastEventId) => Promise.resolve(history.after(lastEventId)),
    latest: (n) => Promise.resolve(history.latest(n)),
    compareIds: compareStreamIds,
    close() {
      closed = true;
      listeners.clear();
      return Promise.resolve();
    },
    stats: () => ({ retainedEvents: history.count, retainedBytes: history.bytes, evicted: history.evicted }),
  };
}
