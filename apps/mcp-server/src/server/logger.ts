/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A leveled logger that writes to stderr only: in MCP stdio mode stdout carries MCP messages alone. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const at = (l: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[l] < RANK[level]) return;
    const extra = fields ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${l.padEnd(5)} webstream: ${message}${extra}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
