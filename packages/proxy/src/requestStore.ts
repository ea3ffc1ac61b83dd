import { ProxyError } from './errors.js';
import { compileFilter, type RequestFilter } from './requestFilter.js';
import { estimateRecordBytes, type NewRequestRecord, type ProxyRequestRecord } from './requestRecord.js';

/** Default most records kept. */
export const DEFAULT_MAX_ENTRIES = 1000;
/** Default most bytes kept (by {@link estimateRecordBytes}): 8 MiB. */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** Options of {@link createRequestStore}. */
export interface RequestStoreOptions {
  /** Most records kept; the oldest is evicted first. Default {@link DEFAULT_MAX_ENTRIES}. */
  maxEntries?: number | undefined;
  /** Most estimated bytes kept; the oldest is evicted first. Default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number | undefined;
}

/** What changed, given to `onChange` listeners after the change. */
export type RequestStoreChange =
  | { readonly type: 'added'; readonly record: ProxyRequestRecord }
  | { readonly type: 'updated'; readonly record: ProxyRequestRecord }
  | { readonly type: 'cleared' };

/** Counters of a store. */
export interface RequestStoreStats {
  /** Records retained now. */
  readonly entries: number;
  /** Estimated bytes retained now. */
  readonly bytes: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Records ever added. */
  readonly added: number;
  /** Records evicted to stay within the limits (not counting `clear()`). */
  readonly evicted: number;
  /** Retained records still in flight. */
  readonly pending: number;
  /** Exceptions thrown by `onChange` listeners (caught so recording never breaks the proxy). */
  readonly listenerErrors: number;
}

/**
 * A bounded, newest-first store of proxied requests. Shared by any number of proxies (ids are unique
 * per store). Records are frozen snapshots.
 *
 * When full: after each `add` or `update`, the oldest records (pending ones included) are evicted until
 * both limits hold again, and each eviction is counted in `stats().evicted`. The newest record always
 * stays, even alone over `maxBytes` (a record is bounded anyway: headers by Node's header limit, bodies
 * by `maxBodyBytes`). An `update` of an evicted record is ignored and returns false.
 */
export interface RequestStore {
  /** Stores a new record and returns it with its id. */
  add(record: NewRequestRecord): ProxyRequestRecord;
  /** Replaces fields of a retained record; false when the id is unknown or was evicted. */
  update(id: string, patch: Partial<NewRequestRecord>): boolean;
  get(id: string): ProxyRequestRecord | undefined;
  /** Matching records, newest first. */
  list(filter?: RequestFilter): ProxyRequestRecord[];
  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (change: RequestStoreChange) => void): () => void;
  stats(): RequestStoreStats;
  /** Drops every record (not counted as evictions). */
  clear(): void;
}

interface Slot {
  record: ProxyRequestRecord;
  bytes: number;
}

/** Creates a {@link RequestStore}. Throws {@link ProxyError} `invalid_option` for a non-positive limit. */
export function createRequestStore(options: RequestStoreOptions = {}): RequestStore {
  const maxEntries = positiveInteger('maxEntries', options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const maxBytes = positiveInteger('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES);
  // A Map iterates in insertion order: oldest first, which is eviction order.
  const slots = new Map<string, Slot>();
  const listeners = new Set<(change: RequestStoreChange) => void>();
  let nextId = 1;
  let bytes = 0;
  let added = 0;
  let evicted = 0;
  let listenerErrors = 0;

  const emit = (change: RequestStoreChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        listenerErrors++;
      }
    }
  };
  const evict = () => {
    for (const [id, slot] of slots) {
      if (slots.size <= 1 || (slots.size <= maxEntries && bytes <= maxBytes)) break;
      slots.delete(id);
      bytes -= slot.bytes;
      evicted++;
    }
  };

  return {
    add(init) {
      const record = Object.freeze({ ...init, id: String(nextId++) });
      const slot = { record, bytes: estimateRecordBytes(record) };
      slots.set(record.id, slot);
      bytes += slot.bytes;
      added++;
      evict();
      emit({ type: 'added', record });
      return record;
    },
    update(id, patch) {
      const slot = slots.get(id);
      if (!slot) return false;
      const record = Object.freeze({ ...slot.record, ...patch, id });
      const size = estimateRecordBytes(record);
      bytes += size - slot.bytes;
      slot.record = record;
      slot.bytes = size;
      evict();
      emit({ type: 'updated', record });
      return true;
    },
    get: (id) => slots.get(id)?.record,
    list: (filter = {}) => newestFirst(slots, filter),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats() {
      let pending = 0;
      for (const slot of slots.values()) if (slot.record.pending) pending++;
      return { entries: slots.size, bytes, maxEntries, maxBytes, added, evicted, pending, listenerErrors };
    },
    clear() {
      slots.clear();
      bytes = 0;
      emit({ type: 'cleared' });
    },
  };
}

function newestFirst(slots: Map<string, Slot>, filter: RequestFilter): ProxyRequestRecord[] {
  const match = compileFilter(filter);
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const all = [...slots.values()];
  const out: ProxyRequestRecord[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
    const record = (all[i] as Slot).record;
    if (match(record)) out.push(record);
  }
  return out;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ProxyError('invalid_option', `${name} must be a positive integer (got ${value})`);
  return value;
}
