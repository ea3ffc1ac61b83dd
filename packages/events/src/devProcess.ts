import { z } from 'zod';
import { TimestampSchema } from './common.js';

/** `notifications/process/started` params. */
export const ProcessStartedSchema = z.object({
  processId: z.string().min(1),
  processName: z.string(),
  command: z.string(),
  pid: z.number().int().nonnegative(),
  startTime: TimestampSchema,
});
export type ProcessStarted = z.infer<typeof ProcessStartedSchema>;

/** `notifications/process/exited` params. `duration` is in milliseconds. */
export const ProcessExitedSchema = z.object({
  processId: z.string().min(1),
  processName: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  duration: z.number().nonnegative(),
});
export type ProcessExited = z.infer<typeof ProcessExitedSchema>;

/** `notifications/logs/new` params: one line of a process's output. */
export const LogEntrySchema = z.object({
  id: z.string().min(1),
  processId: z.string().min(1),
  processName: z.string(),
  content: z.string(),
  timestamp: TimestampSchema,
  isError: z.boolean(),
  tags: z.array(z.string()),
  priority: z.number().int(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** A detected error, located in the source when the output said where. Unknown parts are `null`. */
export const DetectedErrorSchema = z.object({
  message: z.string(),
  file: z.string().nullable(),
  line: z.number().int().positive().nullable(),
  column: z.number().int().positive().nullable(),
  stack: z.string().nullable(),
});
export type DetectedError = z.infer<typeof DetectedErrorSchema>;

/** `notifications/error/detected` params. */
export const ErrorDetectedSchema = z.object({
  processId: z.string().min(1),
  error: DetectedErrorSchema,
});
export type ErrorDetected = z.infer<typeof ErrorDetectedSchema>;

/** The heartbeat `ping` event's data. */
export const PingSchema = z.object({ timestamp: TimestampSchema });
export type Ping = z.infer<typeof PingSchema>;
