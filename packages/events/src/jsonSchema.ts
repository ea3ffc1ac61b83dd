import { z } from 'zod';
import {
  ErrorDetectedSchema,
  LogEntrySchema,
  PingSchema,
  ProcessErrorSchema,
  ProcessExitedSchema,
  ProcessInfoSchema,
  ProcessStartedSchema,
} from './devProcess.js';
import { DevNotificationSchema } from './notifications.js';
import { PushInputSchema, StreamMessageSchema } from './stream.js';

/** The schemas documented as JSON Schema (draft 2020-12), by name. */
export const documentedSchemas = {
  PushInput: PushInputSchema,
  StreamMessage: StreamMessageSchema,
  ProcessStarted: ProcessStartedSchema,
  ProcessExited: ProcessExitedSchema,
  LogEntry: LogEntrySchema,
  ErrorDetected: ErrorDetectedSchema,
  Ping: PingSchema,
  ProcessInfo: ProcessInfoSchema,
  ProcessError: ProcessErrorSchema,
  DevNotification: DevNotificationSchema,
} as const;

/** JSON Schema of every documented schema, for docs and non-TypeScript clients. */
export function toJsonSchemas(): Record<keyof typeof documentedSchemas, unknown> {
  const out = {} as Record<keyof typeof documentedSchemas, unknown>;
  for (const [name, schema] of Object.entries(documentedSchemas)) {
    out[name as keyof typeof documentedSchemas] = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  }
  return out;
}
