import type { ConsoleLevel } from './schemas.js';

/** Default of `maxConsoleEntries`. */
export const DEFAULT_MAX_CONSOLE_ENTRIES = 5000;
/** Default of `maxConsoleBytes` (5 MiB). */
export const DEFAULT_MAX_CONSOLE_BYTES = 5 * 1024 * 1024;
/** Longest stored console line (characters); longer lines are cut with `…`. */
export const MAX_CONSOLE_TEXT = 8000;

/** One stored console line. */
export interface ConsoleEntry {
  /** Strictly increasing per collector. */
  id: number;
  sessionId: string;
  processId?: string;
  /** ISO time of the call on the page. */
  timestamp: string;
  level: ConsoleLevel;
  text: string;
  /** Identical consecutive calls coalesced on the page. */
  count: number;
  /** The page URL at the time. */
  url: string;
  /** Some argument was cut by the page's caps. */
  truncated: boolean;
  /** `page` for the page's calls, `webstream` for lines the collector adds (drops on the page or the server). */
  source: 'page' | 'webstream';
}

/** Which entries `consoleEntries` returns (newest first). */
export interface ConsoleFilter {
  sessionId?: string;
  processId?: string;
  /** Only these levels. */
  levels?: ConsoleLevel[];
  /** Only this level and more severe (`debug` < `trace` < `log` = `info` < `warn` < `error`). */
  minLevel?: ConsoleLevel;
  /** Entries after this time (ISO string or ms). */
  since?: string | number;
  /** Case-insensitive substring of the text. */
  search?: string;
  /** Entries with an id above this one. */
  afterId?: number;
  /** Most entries returned. Default 100, at most the store's size. */
  limit?: number;
}

/** Severity rank of a console level. */
export const CONSOLE_LEVEL_RANK: Record<ConsoleLevel, number> = {
  debug: 0,
  trace: 1,
  log: 2,
  info: 2,
  warn: 3,
  error: 4,
};

const ENTRY_OVERHEAD = 200;

/** Console entries bounded by count and bytes; when full the oldest go (newest kept). */
export interface ConsoleStore {
  add(entry: Omit<ConsoleEntry, 'id'>): ConsoleEntry;
  query(filter?: ConsoleFilter): ConsoleEntry[];
  stats(): { entries: number; bytes: number; evicted: number };
}

/** Creates the store. */
export function createConsoleStore(maxEntries: number, maxBytes: number): ConsoleStore {
  let entries: ConsoleEntry[] = [];
  let head = 0;
  let bytes = 0;
  let evicted = 0;
  let nextId = 1;
  const sizeOf = (entry: ConsoleEntry) => entry.text.length * 2 + entry.url.length + ENTRY_OVERHEAD;

  function add(input: Omit<ConsoleEntry, 'id'>): ConsoleEntry {
    const entry: ConsoleEntry = { id: nextId++, ...input };
    entries.push(entry);
    bytes += sizeOf(entry);
    while (entries.length - head > maxEntries || (bytes > maxBytes && entries.length - head > 1)) {
      bytes -= sizeOf(entries[head] as ConsoleEntry);
      entries[head] = undefined as unknown as ConsoleEntry;
      head++;
      evicted++;
    }
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
    return entry;
  }

  function query(filter: ConsoleFilter = {}): ConsoleEntry[] {
    const limit = Math.max(0, Math.min(filter.limit ?? 100, maxEntries));
    const since = filter.since === undefined ? undefined : new Date(filter.since).getTime();
    const search = filter.search?.toLowerCase();
    const minRank = filter.minLevel ? CONSOLE_LEVEL_RANK[filter.minLevel] : undefined;
    const out: ConsoleEntry[] = [];
    for (let index = entries.length - 1; index >= head && out.length < limit; index--) {
      const entry = entries[index] as ConsoleEntry;
      if (filter.afterId !== undefined && entry.id <= filter.afterId) break;
      if (since !== undefined && Date.parse(entry.timestamp) <= since) continue;
      if (filter.sessionId && entry.sessionId !== filter.sessionId) continue;
      if (filter.processId && entry.processId !== filter.processId) continue;
      if (filter.levels && !filter.levels.includes(entry.level)) continue;
      if (minRank !== undefined && CONSOLE_LEVEL_RANK[entry.level] < minRank) continue;
      if (search && !entry.text.toLowerCase().includes(search)) continue;
      out.push(entry);
    }
    return out;
  }

  return { add, query, stats: () => ({ entries: entries.length - head, bytes, evicted }) };
}
