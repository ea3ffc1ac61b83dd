/** Severity of a process's output line, for filtering. */
export type LogLevel = 'error' | 'warn' | 'info';

/**
 * The order of {@link LogLevel}s, least to most severe: `info` 0, `warn` 1, `error` 2. A line's
 * `priority` (in `notifications/logs/new`) is the rank of its level.
 */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = Object.freeze({ info: 0, warn: 1, error: 2 });

/** Whether `level` is `min` or more severe; any level passes when `min` is `undefined`. */
export function atLeast(level: LogLevel, min: LogLevel | undefined): boolean {
  return min === undefined || LOG_LEVEL_RANK[level] >= LOG_LEVEL_RANK[min];
}

const WARNING = /\bwarn(?:ing)?\b/i;

/** The level of a (plain) line: `error` when it is part of an error, `warn` when it says warn/warning, else `info`. */
export function levelOf(plain: string, isError: boolean): LogLevel {
  if (isError) return 'error';
  return WARNING.test(plain) ? 'warn' : 'info';
}
