import type { StackFrame } from './stackFrames.js';

/** Default of `maxErrorGroups`. */
export const DEFAULT_MAX_ERROR_GROUPS = 500;
/** Most session ids kept per group (the most recent). */
export const MAX_GROUP_SESSIONS = 20;

/** How an error's frames were mapped: all, some, none, or it had no frames. */
export type MappingState = 'mapped' | 'partial' | 'unmapped' | 'no-stack';

/** One distinct page error (normalized message + top mapped frame) and how often it happened. */
export interface ErrorGroup {
  /** `err-<n>`, stable for the group's life. */
  id: string;
  kind: 'error' | 'rejection';
  name: string;
  message: string;
  /** The top frame, mapped to the original source when a source map was served (`src/App.tsx`). */
  file?: string;
  line?: number;
  column?: number;
  /** The stack with mapped frames, as text. */
  stack: string;
  /** The stack as the browser reported it. */
  rawStack?: string;
  frames: StackFrame[];
  mapping: MappingState;
  /** Why frames are unmapped (no map served, fetch timed out...). */
  mappingNote?: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Page sessions it happened in, most recent last (at most {@link MAX_GROUP_SESSIONS}). */
  sessions: string[];
  /** The page URL and process of the latest occurrence. */
  url: string;
  processId?: string;
}

/** One report of an error (after mapping). */
export interface ErrorOccurrence {
  kind: ErrorGroup['kind'];
  name: string;
  message: string;
  frames: StackFrame[];
  mapping: MappingState;
  mappingNote?: string;
  rawStack?: string;
  stack: string;
  sessionId: string;
  url: string;
  processId?: string;
  at: number;
  count: number;
}

/** Error groups, at most `maxGroups`: when full, the group seen least recently goes. */
export interface ErrorStore {
  record(occurrence: ErrorOccurrence): { group: ErrorGroup; first: boolean; evicted?: ErrorGroup };
  /** Most recently seen first. */
  list(): ErrorGroup[];
  get(id: string): ErrorGroup | undefined;
  stats(): { groups: number; evicted: number };
}

/**
 * The message with what varies between occurrences of the same error (numbers, hex ids, UUIDs)
 * replaced, whitespace collapsed, at most 500 characters.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** The grouping key: kind, name, normalized message and the top frame's location. */
export function groupKey(occurrence: Pick<ErrorOccurrence, 'kind' | 'name' | 'message' | 'frames'>): string {
  const top = occurrence.frames[0];
  const where = top ? `${top.file}:${top.line}:${top.column}` : '';
  return `${occurrence.kind}\n${occurrence.name}\n${normalizeMessage(occurrence.message)}\n${where}`;
}

/** Creates the store. */
export function createErrorStore(maxGroups: number): ErrorStore {
  const byKey = new Map<string, ErrorGroup>();
  const byId = new Map<string, string>();
  let nextId = 1;
  let evicted = 0;

  function create(occurrence: ErrorOccurrence, at: string): ErrorGroup {
    const group: ErrorGroup = {
      id: `err-${nextId++}`,
      kind: occurrence.kind,
      name: occurrence.name,
      message: occurrence.message,
      stack: occurrence.stack,
      frames: occurrence.frames,
      mapping: occurrence.mapping,
      count: 0,
      firstSeen: at,
      lastSeen: at,
      sessions: [],
      url: occurrence.url,
    };
    const top = occurrence.frames[0];
    if (top) {
      group.file = top.file;
      if (top.line !== null) group.line = top.line;
      if (top.column !== null) group.column = top.column;
    }
    if (occurrence.rawStack !== undefined) group.rawStack = occurrence.rawStack;
    if (occurrence.mappingNote !== undefined) group.mappingNote = occurrence.mappingNote;
    return group;
  }

  function record(occurrence: ErrorOccurrence) {
    const key = groupKey(occurrence);
    const at = new Date(occurrence.at).toISOString();
    let group = byKey.get(key);
    const first = !group;
    let gone: ErrorGroup | undefined;
    if (!group) {
      if (byKey.size >= maxGroups) {
        const [oldestKey, oldest] = byKey.entries().next().value as [string, ErrorGroup];
        byKey.delete(oldestKey);
        byId.delete(oldest.id);
        evicted++;
        gone = oldest;
      }
      group = create(occurrence, at);
      byId.set(group.id, key);
    } else {
      byKey.delete(key);
    }
    byKey.set(key, group);
    group.count += occurrence.count;
    if (at > group.lastSeen) group.lastSeen = at;
    if (at < group.firstSeen) group.firstSeen = at;
    group.url = occurrence.url;
    if (occurrence.processId !== undefined) group.processId = occurrence.processId;
    const index = group.sessions.indexOf(occurrence.sessionId);
    if (index >= 0) group.sessions.splice(index, 1);
    group.sessions.push(occurrence.sessionId);
    if (group.sessions.length > MAX_GROUP_SESSIONS) group.sessions.shift();
    return gone ? { group, first, evicted: gone } : { group, first };
  }

  return {
    record,
    list: () => [...byKey.values()].reverse(),
    get: (id) => {
      const key = byId.get(id);
      return key === undefined ? undefined : byKey.get(key);
    },
    stats: () => ({ groups: byKey.size, evicted }),
  };
}
