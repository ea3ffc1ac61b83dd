import type { LogEntry } from '@ws/events';
import { atLeast, type LogLevel } from './logLevel.js';

/** Default number of lines the store keeps. */
export const DEFAULT_LOG_CAPACITY = 10_000;

/** A stored line: the `notifications/logs/new` payload plus what search needs (the second argument of `log` listeners). */
export interface StoredLog extends LogEntry {
  /** The content without ANSI escapes. */
  readonly plain: string;
  readonly level: LogLevel;
  /** Milliseconds since the epoch (same instant as `timestamp`). */
  readonly time: number;
}

/** Search filters; all optional, combined with AND. */
export interface LogQuery {
  processId?: string | undefined;
  /** Minimum level: `error` gives errors, `warn` warnings and errors, `info` everything. */
  level?: LogLevel | undefined;
  /** Case-insensitive substring of the plain content (or of the process name). */
  query?: string | undefined;
  /** A regular expression tested against the plain content; wins over `query`. */
  regex?: RegExp | undefined;
  /** Only lines at or after this time (ms since epoch). */
  since?: number | undefined;
  /** Most lines returned (the newest). Default 100. */
  limit?: number | undefined;
}

/** A ring buffer of log lines: O(1) append and eviction, newest-first search. */
export class LogStore {
  readonly capacity: number;
  readonly #ring: (StoredLog | undefined)[];
  #head = 0;
  #size = 0;
  #evicted = 0;

  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`log capacity must be a positive integer (got ${capacity})`);
    this.capacity = capacity;
    this.#ring = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Lines evicted since start. */
  get evicted(): number {
    return this.#evicted;
  }

  append(entry: StoredLog): void {
    const at = (this.#head + this.#size) % this.capacity;
    this.#ring[at] = entry;
    if (this.#size < this.capacity) this.#size++;
    else {
      this.#head = (this.#head + 1) % this.capacity;
      this.#evicted++;
    }
  }

  /** Matching lines, oldest first, at most `limit` (the newest ones). */
  search(q: LogQuery = {}): StoredLog[] {
    const limit = q.limit ?? 100;
    const needle = q.regex === undefined ? q.query?.toLowerCase() : undefined;
    const out: StoredLog[] = [];
    for (let i = this.#size - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#ring[(this.#head + i) % this.capacity] as StoredLog;
      if (q.since !== undefined && e.time < q.since) break; // older from here on
      if (q.processId !== undefined && e.processId !== q.processId) continue;
      if (!atLeast(e.level, q.level)) continue;
      if (q.regex !== undefined) {
        q.regex.lastIndex = 0;
        if (!q.regex.test(e.plain)) continue;
      } else if (needle && !e.plain.toLowerCase().includes(needle) && !e.processName.toLowerCase().includes(needle))
        continue;
      out.push(e);
    }
    return out.reverse();
  }

  /** The newest `n` lines, oldest first. */
  recent(n: number): StoredLog[] {
    return this.search({ limit: n });
  }
}
