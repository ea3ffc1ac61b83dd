/** MCP resource URIs the server exposes (with dev processes on). */
export const ResourceUri = {
  logsRecent: 'logs://recent',
  logsErrors: 'logs://errors',
  processesActive: 'processes://active',
  scriptsAvailable: 'scripts://available',
} as const;
export type ResourceUri = (typeof ResourceUri)[keyof typeof ResourceUri];

/** Entries `logs://recent` returns. */
export const RECENT_LOGS_LIMIT = 100;
/** Entries `logs://errors` returns. */
export const RECENT_ERRORS_LIMIT = 50;

/** `/stream` channels that carry the dev-process events (their `data` is a `DevEvent`). */
export const DevChannel = { process: 'process', logs: 'logs', errors: 'errors' } as const;
export type DevChannel = (typeof DevChannel)[keyof typeof DevChannel];
