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

/** Severity of a stored log line: `error` (stderr or an error), `warn` (mentions a warning) or `info`. */
export const LogLevelSchema = z.enum(['error', 'warn', 'info']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** A stored log line as `GET /api/processes/:id/logs`, `logs_search` and `logs://recent` give it. */
export const LogLineSchema = LogEntrySchema.extend({ level: LogLevelSchema });
export type LogLine = z.infer<typeof LogLineSchema>;

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

/** Lifecycle state of a supervised process. */
export const ProcessStatusSchema = z.enum(['running', 'stopping', 'exited', 'failed']);
export type ProcessStatus = z.infer<typeof ProcessStatusSchema>;

/** A process the server started, as `scripts_status`, `processes://active` and `GET /api/processes` give it. */
export const ProcessInfoSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  command: z.string(),
  /** The package.json script it runs, or `null` for an arbitrary command. */
  script: z.string().nullable(),
  pid: z.number().int().nullable(),
  status: ProcessStatusSchema,
  startTime: TimestampSchema,
  endTime: TimestampSchema.nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Milliseconds it ran (so far, while running). */
  duration: z.number().nonnegative(),
  /** URLs it printed, such as its dev server's address. */
  urls: z.array(z.string()),
  /** The reverse proxy in front of its (first) dev URL: the page to open for page telemetry; absent when none. */
  proxyUrl: z.string().nullable().optional(),
  errorCount: z.number().int().nonnegative(),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

/** A detected error with its kind (`TypeError`, `TS2322`, `eslint`, ...). */
export const StructuredErrorSchema = DetectedErrorSchema.extend({ type: z.string() });
export type StructuredError = z.infer<typeof StructuredErrorSchema>;

/** A detected error with the process it came from, as `errors_list` and `GET /api/errors` give it. */
export const ProcessErrorSchema = StructuredErrorSchema.extend({
  processId: z.string().min(1),
  processName: z.string(),
  timestamp: TimestampSchema,
});
export type ProcessError = z.infer<typeof ProcessErrorSchema>;
