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

const envelope = <M extends string, P extends z.ZodType>(method: M, params: P) =>
  z.object({ jsonrpc: z.literal('2.0'), method: z.literal(method), params });

export const ProcessStartedNotificationSchema = envelope(NotificationMethod.processStarted, ProcessStartedSchema);
export const ProcessExitedNotificationSchema = envelope(NotificationMethod.processExited, ProcessExitedSchema);
export const LogsNewNotificationSchema = envelope(NotificationMethod.logsNew, LogEntrySchema);
export const ErrorDetectedNotificationSchema = envelope(NotificationMethod.errorDetected, ErrorDetectedSchema);

/** Any dev-process notification, discriminated on `method`. */
export const DevNotificationSchema = z.discriminatedUnion('method', [
  ProcessStartedNotificationSchema,
  ProcessExitedNotificationSchema,
  LogsNewNotificationSchema,
  ErrorDetectedNotificationSchema,
]);
export type DevNotification = z.infer<typeof DevNotificationSchema>;

/** Params type of each notification method. */
export type NotificationParams<M extends NotificationMethod> = Extract<DevNotification, { method: M }>['params'];

/** Builds a JSON-RPC notification envelope. */
export function notification<M extends NotificationMethod>(
  method: M,
  params: NotificationParams<M>,
): { jsonrpc: '2.0'; method: M; params: NotificationParams<M> } {
  return { jsonrpc: '2.0', method, params };
}
