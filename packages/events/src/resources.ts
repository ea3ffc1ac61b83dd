import { z } from 'zod';

/** MCP resource URIs the server exposes (or reserves for later subsystems). */
export const ResourceUri = {
  logsRecent: 'logs://recent',
  logsErrors: 'logs://errors',
  processesActive: 'processes://active',
  scriptsAvailable: 'scripts://available',
  telemetrySessions: 'telemetry://sessions',
  telemetryErrors: 'telemetry://errors',
  telemetryConsoleErrors: 'telemetry://console-errors',
  proxyRequests: 'proxy://requests',
  proxyMappings: 'proxy://mappings',
} as const;
export type ResourceUri = (typeof ResourceUri)[keyof typeof ResourceUri];

export const ResourceUriSchema = z.enum(Object.values(ResourceUri) as [ResourceUri, ...ResourceUri[]]);

/** Entries `logs://recent` returns. */
export const RECENT_LOGS_LIMIT = 100;
/** Entries `logs://errors` returns. */
export const RECENT_ERRORS_LIMIT = 50;

/** `/stream` channels that carry the dev-process events (JSON format). */
export const DevChannel = { process: 'process', logs: 'logs', errors: 'errors' } as const;
export type DevChannel = (typeof DevChannel)[keyof typeof DevChannel];
