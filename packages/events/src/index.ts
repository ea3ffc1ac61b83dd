// @ws/events: the schema of every payload the webstream server emits or accepts, and nothing else.
export type {
  BrowserErrorDetected,
  BrowserStreamData,
  ConsoleEntry,
  ConsoleEntryList,
  ErrorGroup,
  ErrorGroupList,
  NavigateInput,
  NetworkFailure,
  NetworkFailureList,
  PageSession,
  PageSessionList,
  ProxyMapInput,
  ProxyMapping,
  ProxyMappingList,
  ProxyRequestList,
  ProxyRequestRecord,
  ReplInput,
  ReplResponse,
  StackFrame,
  Timeline,
  TimelineEntry,
} from './browser.js';
export {
  BROWSER_LIST_DEFAULT_LIMIT,
  BROWSER_LIST_MAX_LIMIT,
  BrowserChannel,
  BrowserErrorDetectedSchema,
  BrowserResourceUri,
  BrowserStreamDataSchema,
  ConsoleEntryListSchema,
  ConsoleEntrySchema,
  ErrorGroupListSchema,
  ErrorGroupSchema,
  NavigateInputSchema,
  NetworkFailureListSchema,
  NetworkFailureSchema,
  PageSessionListSchema,
  PageSessionSchema,
  ProxyMapInputSchema,
  ProxyMappingListSchema,
  ProxyMappingSchema,
  ProxyRequestListSchema,
  ProxyRequestRecordSchema,
  RECENT_REQUESTS_LIMIT,
  RecordedHeadersSchema,
  ReplInputSchema,
  ReplResponseSchema,
  StackFrameSchema,
  TimelineEntrySchema,
  TimelineSchema,
} from './browser.js';
export type { JsonValue } from './common.js';
export type {
  ErrorList,
  LogLines,
  PackageManager,
  ProcessList,
  ProcessResult,
  RunResult,
  ScriptList,
} from './devApi.js';
export {
  ErrorListSchema,
  LogLinesSchema,
  PackageManagerSchema,
  ProcessListSchema,
  ProcessResultSchema,
  RunResultSchema,
  ScriptListSchema,
} from './devApi.js';
export type {
  DetectedError,
  ErrorDetected,
  LogEntry,
  LogLevel,
  LogLine,
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
  LogLevelSchema,
  LogLineSchema,
  ProcessErrorSchema,
  ProcessExitedSchema,
  ProcessInfoSchema,
  ProcessStartedSchema,
  ProcessStatusSchema,
  StructuredErrorSchema,
} from './devProcess.js';
export type { DocumentedSchemaName } from './jsonSchema.js';
export { documentedSchemas, toJsonSchemas } from './jsonSchema.js';
export type { DevEvent, NotificationParams, SessionGap } from './notifications.js';
export { DevEventSchema, NotificationMethod, SESSION_GAP_METHOD, SessionGapSchema } from './notifications.js';
export { DevChannel, RECENT_ERRORS_LIMIT, RECENT_LOGS_LIMIT, ResourceUri } from './resources.js';
export type { MessagePriority, MessageType, ParsedPushInput, PushInput, StreamMessage } from './stream.js';
export {
  ChannelSchema,
  MAX_MESSAGE_LENGTH,
  MessagePrioritySchema,
  MessageTypeSchema,
  PushInputSchema,
  StreamMessageSchema,
} from './stream.js';
export type {
  AckInput,
  AckRecord,
  ErrorBody,
  Issue,
  MessageHistory,
  MessageStatus,
  PushResult,
  Recipient,
  StreamStatus,
} from './streamApi.js';
export {
  AckInputSchema,
  AckRecordSchema,
  ErrorBodySchema,
  IssueSchema,
  MessageHistorySchema,
  MessageStatusSchema,
  PushResultSchema,
  RecipientSchema,
  StreamStatusSchema,
} from './streamApi.js';
export type { HistoryGap, OverflowGap, Replayed, StreamGap, UnrenderableGap } from './streamSignals.js';
export {
  HistoryGapSchema,
  OverflowGapSchema,
  ReplayedSchema,
  StreamGapSchema,
  UnrenderableGapSchema,
} from './streamSignals.js';
export type {
  ChannelSubscriptions,
  StreamConnected,
  SubscriptionChange,
  SubscriptionState,
  SubscriptionsByChannel,
} from './subscriptions.js';
export {
  ChannelSubscriptionsSchema,
  MAX_SUBSCRIPTION_NAMES,
  StreamConnectedSchema,
  SubscriptionChangeSchema,
  SubscriptionStateSchema,
  SubscriptionsByChannelSchema,
} from './subscriptions.js';
export type { ParsedWsClientMessage, WsClientMessage, WsServerMessage } from './wsProtocol.js';
export { MAX_WS_FILTER_NAMES, WS_CLOSE_CODES, WsClientMessageSchema, WsServerMessageSchema } from './wsProtocol.js';
