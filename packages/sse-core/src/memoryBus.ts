import type { Bus, BusListener, ReplayResult } from './bus.js';
import { SseError } from './errors.js';
import { DEFAULT_CHANNEL, type HubEvent, type PublishInput } from './event.js';
import { compareStreamIds, createStreamIdGenerator } from './streamId.js';

/** Default number of events the in-memory history retains. */
export const DEFAULT_HISTORY_MAX_EVENTS = 1000;
/** Default byte budget of the in-memory history (approximate: UTF-16 code units of data plus a fixed overhead). */
export const DEFAULT_HISTORY_MAX_BYTES = 4 * 1024 * 1024;

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Most events retained for replay. Default {@link DEFAULT_HISTORY_MAX_EVENTS}; `0` keeps none. */
  maxEvents?: number;
  /** Byte budget of retained events; the oldest are evicted past it. Default {@link DEFAULT_HISTORY_MAX_BYTES}. */
  maxBytes?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Counters of the in-memory history. */
export interface MemoryBusStats {
  retainedEvents: number;
  retainedBytes: number;
  /** Events evicted from history since start. */
  evicted: number;
}

const EVENT_OVERHEAD_BYTES = 96;

function sizeOf(event: HubEvent): number {
  return event.data.length + event.channel.length + (event.type?.length ?? 0) + EVENT_OVERHEAD_BYTES;
}

function checkLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SseError('invalid_option', `${name} must be a non-negative integer (got ${value})`);
  }
}

/** A single-process {@link Bus}: a ring buffer for history and synchronous delivery to listeners. */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus & { stats(): MemoryBusStats } {
  const maxEvents = options.maxEvents ?? DEFAULT_HISTORY_MAX_EVENTS;
  const maxBytes = options.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
  checkLimit('maxEvents', maxEvents);
  checkLimit('maxBytes', maxBytes);
  const now = options.now ?? Date.now;
  const nextId = createStreamIdGenerator(now);

  // Ring buffer: `ring[(head + i) % cap]` for i < count, oldest first.
  const cap = Math.max(maxEvents, 1);
  const ring: (HubEvent | undefined)[] = new Array(cap);
  let head = 0;
  let count = 0;
  let bytes = 0;
  let evicted = 0;
  const listeners = new Set<BusListener>();
  let closed = false;

  const at = (i: number): HubEvent => ring[(head + i) % cap] as HubEvent;

  function evictOldest(): void {
    const old = at(0);
    ring[head] = undefined;
    head = (head + 1) % cap;
    count--;
    bytes -= sizeOf(old);
    evicted++;
  }

  function retain(event: HubEvent): void {
    if (maxEvents === 0) return;
    if (count === cap) evictOldest();
    ring[(head + count) % cap] = event;
    count++;
    bytes += sizeOf(event);
    while (bytes > maxBytes && count > 1) evictOldest();
  }

  /** Index of the first retained event whose id is greater than `id` (binary search: ids are ordered). */
  function firstAfter(id: string): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareStreamIds(at(mid).id, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function slice(from: number): HubEvent[] {
    const out: HubEvent[] = new Array(Math.max(count - from, 0));
    for (let i = from; i < count; i++) out[i - from] = at(i);
    return out;
  }

  function after(lastEventId: string): ReplayResult {
    if (count === 0) return { events: [], gap: 'unknown' };
    const oldest = at(0).id;
    const newest = at(count - 1).id;
    const toOldest = compareStreamIds(lastEventId, oldest);
    if (toOldest < 0) return { events: slice(0), gap: evicted > 0 ? 'expired' : 'unknown' };
    if (compareStreamIds(lastEventId, newest) > 0) return { events: slice(0), gap: 'unknown' };
    const from = firstAfter(lastEventId);
    const found = from > 0 && at(from - 1).id === lastEventId;
    return found ? { events: slice(from) } : { events: slice(from), gap: 'unknown' };
  }

  return {
    publish(input: PublishInput): Promise<HubEvent> {
      if (closed) return Promise.reject(new SseError('closed', 'bus is closed'));
      const event: HubEvent = {
        id: nextId(),
        channel: input.channel ?? DEFAULT_CHANNEL,
        type: input.type,
        data: input.data,
        priority: input.priority ?? 'normal',
        timestamp: now(),
      };
      retain(event);
      for (const listener of listeners) listener(event);
      return Promise.resolve(event);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    after: (lastEventId) => Promise.resolve(after(lastEventId)),
    latest: (n) => Promise.resolve(slice(Math.max(count - Math.max(Math.floor(n), 0), 0))),
    compareIds: compareStreamIds,
    close() {
      closed = true;
      listeners.clear();
      return Promise.resolve();
    },
    stats: () => ({ retainedEvents: count, retainedBytes: bytes, evicted }),
  };
}
