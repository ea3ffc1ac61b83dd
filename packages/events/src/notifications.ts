// The MCP notifications the server sends: dev-process events and the session gap.
import { z } from 'zod';
import { ErrorDetectedSchema, LogEntrySchema, ProcessExitedSchema, ProcessStartedSchema } from './devProcess.js';

/** JSON-RPC method names of the dev-process notifications. */
export const NotificationMethod = {
  processStarted: 'notifications/process/started',
  processExited: 'notifications/process/exited',
  logsNew: 'notifications/logs/new',
  errorDetected: 'notifications/error/detected',
} as const;
export type NotificationMethod = (typeof NotificationMethod)[keyof typeof NotificationMethod];

const event = <M extends NotificationMethod, P extends z.ZodType>(method: M, params: P) =>
  z.object({ method: z.literal(method), params });

/**
 * A dev-process event, `{method, params}`, discriminated on `method`: what MCP sessions receive as
 * a notification (the transport adds `"jsonrpc": "2.0"`), and the `data` of the `/stream` messages
 * on the `process`, `logs` and `errors` channels.
 */
export const DevEventSchema = z.discriminatedUnion('method', [
  event(NotificationMethod.processStarted, ProcessStartedSchema),
  event(NotificationMethod.processExited, ProcessExitedSchema),
  event(NotificationMethod.logsNew, LogEntrySchema),
  event(NotificationMethod.errorDetected, ErrorDetectedSchema),
]);
export type DevEvent = z.infer<typeof DevEventSchema>;

/** Params type of each dev-process notification method. */
export type NotificationParams<M extends NotificationMethod> = Extract<DevEvent, { method: M }>['params'];

/** JSON-RPC method of {@link SessionGapSchema}: sent by the server only, unknown to clients that ignore it. */
export const SESSION_GAP_METHOD = 'notifications/webstream/gap';

/**
 * `notifications/webstream/gap` params: sent first on a resumed MCP stream (Streamable HTTP,
 * `Last-Event-ID`) when some of its events after that id are no longer kept; the retained ones follow.
 * The notification carries no event id, so a client that drops again resumes from the same point.
 */
export const SessionGapSchema = z.object({
  /** Always `expired`: the events were dropped from the session's bounded log. */
  reason: z.literal('expired'),
  /** The id the client resumed after. */
  lastEventId: z.string(),
  /** Events of this stream dropped; `null` when the log can no longer tell. */
  missed: z.number().int().positive().nullable(),
  /** Id of the first dropped event. */
  firstMissedId: z.string().min(1),
  /** Id of the last dropped event; `null` when unknown. */
  lastMissedId: z.string().min(1).nullable(),
  /** Retained events that follow this notification. */
  retained: z.number().int().nonnegative(),
  /** Events the session keeps (`--mcp-session-events`). */
  capacity: z.number().int().positive(),
  /** Resources to re-read for the current state (`processes://active`, ...). */
  resources: z.array(z.string()),
  /** The same, in a sentence. */
  message: z.string(),
});
export type SessionGap = z.infer<typeof SessionGapSchema>;
