import type { PageInfo, Visibility } from './schemas.js';

/** Default of `maxSessions`. */
export const DEFAULT_MAX_SESSIONS = 200;

/** Why a page session ended. */
export type SessionEndReason = 'pagehide' | 'timeout' | 'evicted';

/** One page load seen through the proxy, as readers get it. */
export interface PageSession {
  id: string;
  url: string;
  title: string;
  userAgent: string;
  /** The origin the page was served from (the proxy's). */
  origin: string;
  /** The process the proxy said the page belongs to. */
  processId?: string;
  /** ISO times: page start, last batch or stream activity, last time it became visible or focused. */
  startedAt: string;
  lastSeenAt: string;
  activeAt: string;
  visibility: Visibility;
  focused: boolean;
  state: 'open' | 'closed';
  closedAt?: string;
  closeReason?: SessionEndReason;
  /** Whether its REPL command stream is connected (it can run `repl.execute`). */
  commandStream: boolean;
  counts: { console: number; errors: number; network: number; droppedOnPage: number; droppedOnServer: number };
}

/** Where a session's requests came from (the proxy's handle context). */
export interface SessionContext {
  origin: string;
  target?: string;
  processId?: string;
}

/** The stored record (times in ms). */
export interface SessionRecord {
  id: string;
  url: string;
  title: string;
  userAgent: string;
  context: SessionContext;
  startedAt: number;
  lastSeenAt: number;
  activeAt: number;
  visibility: Visibility;
  focused: boolean;
  closedAt?: number;
  closeReason?: SessionEndReason;
  commandStream: boolean;
  counts: PageSession['counts'];
}

/** Sessions by id, at most `maxSessions`: when full, the least recently seen closed one goes, else the least recently seen. */
export interface SessionStore {
  /** Creates or refreshes a session from a batch header. */
  touch(
    info: PageInfo,
    context: SessionContext,
  ): { record: SessionRecord; created: boolean; reopened: boolean; evicted?: SessionRecord };
  get(id: string): SessionRecord | undefined;
  /** Records activity without a batch (the command stream connecting or closing). */
  seen(id: string): void;
  /** Marks a session closed; returns it if it was open. */
  close(id: string, reason: SessionEndReason): SessionRecord | undefined;
  /** Open sessions without a command stream not seen for `timeoutMs`, now closed (`timeout`). */
  sweep(timeoutMs: number): SessionRecord[];
  /** Newest activity first. */
  list(): PageSession[];
  records(): Iterable<SessionRecord>;
  readonly size: number;
}

/** Creates the store. */
export function createSessionStore(maxSessions: number, now: () => number): SessionStore {
  const byId = new Map<string, SessionRecord>();

  function evictOne(): SessionRecord | undefined {
    let victim: SessionRecord | undefined;
    for (const record of byId.values()) {
      if (record.closedAt !== undefined) {
        victim = record;
        break;
      }
      victim ??= record;
    }
    if (victim) byId.delete(victim.id);
    return victim;
  }

  function touch(info: PageInfo, context: SessionContext) {
    const at = now();
    let record = byId.get(info.id);
    let evicted: SessionRecord | undefined;
    const created = !record;
    if (!record) {
      if (byId.size >= maxSessions) evicted = evictOne();
      record = newRecord(info, context, at);
    }
    const reopened = record.closedAt !== undefined;
    if (reopened) {
      record.closedAt = undefined;
      record.closeReason = undefined;
    }
    Object.assign(record, { url: info.url, title: info.title, lastSeenAt: at });
    byId.delete(record.id);
    byId.set(record.id, record);
    return { record, created, reopened, evicted };
  }

  function close(id: string, reason: SessionEndReason) {
    const record = byId.get(id);
    if (!record || record.closedAt !== undefined) return undefined;
    record.closedAt = now();
    record.closeReason = reason;
    return record;
  }

  function sweep(timeoutMs: number) {
    const cutoff = now() - timeoutMs;
    const closed: SessionRecord[] = [];
    for (const record of byId.values()) {
      if (record.lastSeenAt >= cutoff) break;
      if (record.closedAt !== undefined || record.commandStream) continue;
      const ended = close(record.id, 'timeout');
      if (ended) closed.push(ended);
    }
    return closed;
  }

  return {
    touch,
    close,
    sweep,
    get: (id) => byId.get(id),
    seen(id) {
      const record = byId.get(id);
      if (!record) return;
      record.lastSeenAt = now();
      byId.delete(id);
      byId.set(id, record);
    },
    list: () => [...byId.values()].sort((a, b) => b.activeAt - a.activeAt || b.lastSeenAt - a.lastSeenAt).map(toPublic),
    records: () => byId.values(),
    get size() {
      return byId.size;
    },
  };
}

function newRecord(info: PageInfo, context: SessionContext, at: number): SessionRecord {
  return {
    id: info.id,
    url: info.url,
    title: info.title,
    userAgent: info.userAgent,
    context,
    startedAt: Math.min(info.startedAt, at),
    lastSeenAt: at,
    activeAt: at,
    visibility: info.visibility,
    focused: info.focused,
    commandStream: false,
    counts: { console: 0, errors: 0, network: 0, droppedOnPage: 0, droppedOnServer: 0 },
  };
}

/** The reader's copy of a record. */
export function toPublic(record: SessionRecord): PageSession {
  const out: PageSession = {
    id: record.id,
    url: record.url,
    title: record.title,
    userAgent: record.userAgent,
    origin: record.context.origin,
    startedAt: iso(record.startedAt),
    lastSeenAt: iso(record.lastSeenAt),
    activeAt: iso(record.activeAt),
    visibility: record.visibility,
    focused: record.focused,
    state: record.closedAt === undefined ? 'open' : 'closed',
    commandStream: record.commandStream,
    counts: { ...record.counts },
  };
  if (record.context.processId !== undefined) out.processId = record.context.processId;
  if (record.closedAt !== undefined) out.closedAt = iso(record.closedAt);
  if (record.closeReason !== undefined) out.closeReason = record.closeReason;
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
