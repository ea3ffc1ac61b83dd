import type { ConsoleEntry } from './consoleStore.js';
import type { ErrorGroup } from './errorStore.js';
import type { NetworkFailure } from './networkStore.js';
import type { PageSession, SessionEndReason } from './sessionStore.js';

/** The collector's stores, as named in change notifications. */
export type TelemetryStoreName = 'sessions' | 'errors' | 'console' | 'network';

/** Items dropped before they were stored, per kind. */
export interface DropCounts {
  console: number;
  error: number;
  network: number;
}

/** What the collector tells the server to publish. */
export type TelemetryEvent =
  /** A page session started, or came back (back/forward cache, or activity after a timeout). */
  | { type: 'session-started'; session: PageSession; reopened: boolean }
  | { type: 'session-ended'; session: PageSession; reason: SessionEndReason }
  /**
   * An error: on its group's first occurrence, then at most once per `errorEventIntervalMs` per
   * group while it repeats (`occurrences`: how many since the previous event of this group).
   */
  | { type: 'error'; group: ErrorGroup; sessionId: string; first: boolean; occurrences: number }
  /** A `console.error` (or failed `console.assert`) line; at most `consoleErrorEventsPerSecond` per session. */
  | { type: 'console-error'; entry: ConsoleEntry }
  | { type: 'network-error'; failure: NetworkFailure }
  /** Items lost on the page (its budgets) or on the server (the per-session rate limit, pending mapping cap). */
  | { type: 'dropped'; sessionId: string; where: 'page' | 'server'; reason: string; counts: DropCounts };

/**
 * The seed's `notifications/error/detected` params for an error group, with `source: 'browser'`
 * and the page session (`processId` is the proxy's process, or `browser` when none was given).
 */
export function errorDetectedParams(group: ErrorGroup, sessionId: string) {
  return {
    processId: group.processId ?? 'browser',
    error: {
      message: group.name ? `${group.name}: ${group.message}` : group.message,
      file: group.file ?? '',
      line: group.line ?? 0,
      column: group.column ?? 0,
      stack: group.stack,
    },
    source: 'browser' as const,
    sessionId,
    groupId: group.id,
    count: group.count,
    url: group.url,
  };
}

/** A listener set that never lets one listener's exception reach the collector or the others. */
export function createListeners<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(value: T) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch {
          // A listener's failure is its own.
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
