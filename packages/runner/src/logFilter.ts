import type { LogEntry } from '@ws/events';
import stripAnsi from 'strip-ansi';
import { LOG_LEVEL_RANK, type LogLevel } from './logLevel.js';
import type { StoredLog } from './logStore.js';

/** A line's text without ANSI escapes (colours, cursor moves), as the runner analyses and searches it. */
export function plainText(content: string): string {
  return stripAnsi(content);
}

/** What a line must match; every part optional, combined with AND. */
export interface LogFilter {
  processId?: string | undefined;
  /** Minimum level, compared by the line's `priority` ({@link LOG_LEVEL_RANK}). */
  level?: LogLevel | undefined;
  /** Tested against the plain text (its `lastIndex` is reset first, so a `g` flag does no harm). */
  regex?: RegExp | undefined;
}

/**
 * Whether a line passes `filter`. Takes a wire entry (`notifications/logs/new` params, e.g. from
 * another server's stream) or the line as stored (the second argument of `log` listeners), whose
 * plain text is used as it is instead of stripping the content again.
 */
export function matchesLog(line: LogEntry | StoredLog, filter: LogFilter): boolean {
  if (filter.processId !== undefined && line.processId !== filter.processId) return false;
  if (filter.level !== undefined && line.priority < LOG_LEVEL_RANK[filter.level]) return false;
  if (filter.regex === undefined) return true;
  filter.regex.lastIndex = 0;
  return filter.regex.test('plain' in line ? line.plain : plainText(line.content));
}
