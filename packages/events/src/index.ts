export type { JsonValue, Timestamp } from './common.js';
export { isJsonValue, JsonValueSchema, TimestampSchema } from './common.js';
export type {
  DetectedError,
  ErrorDetected,
  LogEntry,
  Ping,
  ProcessError,
  ProcessExited,
  ProcessInfo,
  ProcessStarted,
  ProcessStatus,
  StructuredError,
} from './devProcess.js';
export {
  DetectedErrorSchema,
  ErrorDetectedSchema,
  LogEntrySchema,
  PingSchema,
  ProcessErrorSchema,
  ProcessExitedSchema,
  ProcessInfoSchema,
  ProcessStartedSchema,
  ProcessStatusSchema,
  StructuredErrorSchema,
} from './devProcess.js';
export { documentedSchemas, toJsonSchemas } from './jsonSchema.js';
export type { DevNotification, NotificationParams } from './notifications.js';
export {
  DevNotificationSchema,
  ErrorDetectedNotificationSchema,
  LogsNewNotificationSchema,
  NotificationMethod,
  notification,
  ProcessExitedNotificationSchema,
  ProcessStartedNotificationSchema,
} from './notifications.js';
export { DevChannel, RECENT_ERRORS_LIMIT, RECENT_LOGS_LIMIT, ResourceUri, ResourceUriSchema } from './resources.js';
export type { MessagePriority, MessageType, ParsedPushInput, PushInput, StreamMessage } from './stream.js';
export {
  ChannelSchema,
  DEFAULT_STREAM_CHANNEL,
  MAX_MESSAGE_LENGTH,
  MessagePrioritySchema,
  MessageTypeSchema,
  PushInputSchema,
  StreamMessageSchema,
} from './stream.js';
