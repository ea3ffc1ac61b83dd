import { NotificationMethod } from '@ws/events';
import type { DevEventMessage } from '../api/webstreamApi.js';
import { mcpLevelOf, passesLevel } from './lineStreamer.js';

/** An MCP log level (`debug` … `emergency`). */
type LoggingLevel = ReturnType<typeof mcpLevelOf>;

/** A notification as the session sends it (no SDK type: this module is the same on every SDK version). */
export interface SessionNotification {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * What one session is sent for one dev event. A process's line reaches a session once, in the form its
 * client asked for:
 * - a client that sent `logging/setLevel` (it reads MCP logging) gets the line as
 *   `notifications/message` (`logger` the process name, `data` the line), only at or above its level;
 * - any other client gets it as `notifications/logs/new` (every line, the seed's method).
 * Tools that follow a process (`scripts_run`, `logs_stream`) add nothing to this, except progress
 * notifications when the call passed a `progressToken`. Other dev events are sent as they are.
 */
export function devNotification(
  event: DevEventMessage,
  level: LoggingLevel | undefined,
): SessionNotification | undefined {
  if (event.method !== NotificationMethod.logsNew || level === undefined)
    return event as unknown as SessionNotification;
  const line = event.params;
  const at = mcpLevelOf(line);
  if (!passesLevel(at, level)) return undefined;
  return { method: 'notifications/message', params: { level: at, logger: line.processName, data: line } };
}
