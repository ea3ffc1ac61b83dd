export { COMMAND_HEARTBEAT_MS } from './commandChannel.js';
export type { ConsoleEntry, ConsoleFilter } from './consoleStore.js';
export {
  CONSOLE_LEVEL_RANK,
  DEFAULT_MAX_CONSOLE_BYTES,
  DEFAULT_MAX_CONSOLE_ENTRIES,
  MAX_CONSOLE_TEXT,
} from './consoleStore.js';
export type { ErrorGroup, MappingState } from './errorStore.js';
export { DEFAULT_MAX_ERROR_GROUPS, groupKey, MAX_GROUP_SESSIONS, normalizeMessage } from './errorStore.js';
export type { DropCounts, TelemetryEvent, TelemetryStoreName } from './events.js';
export { errorDetectedParams } from './events.js';
export { formatConsole } from './formatConsole.js';
export type { NetworkFailure, NetworkFilter } from './networkStore.js';
export { DEFAULT_MAX_NETWORK_FAILURES } from './networkStore.js';
export type { PageConfig, PageLimits } from './pageConfig.js';
export {
  ALL_CONSOLE_LEVELS,
  DEFAULT_BASE,
  DEFAULT_PAGE_LIMITS,
  FIELD_LIMITS,
  REQUEST_ID_HEADER,
} from './pageConfig.js';
export type { PageScriptOptions } from './pageScript.js';
export { pageConfig, pageScript, pageSource, scriptHash, scriptTag, TelemetryError } from './pageScript.js';
export { DEFAULT_SESSION_RATE } from './rateLimiter.js';
export type { Repl, ReplErrorCode, ReplExecuteInput, ReplResult, ReplTarget, SessionChoice } from './repl.js';
export { DEFAULT_REPL_TIMEOUT_MS, MAX_PENDING_PER_SESSION, MAX_REPL_TIMEOUT_MS } from './repl.js';
export type { HandleContext } from './routes.js';
export type {
  ConsoleItem,
  ConsoleLevel,
  DroppedItem,
  ErrorItem,
  NetworkItem,
  PageCommand,
  PageInfo,
  ReplAnswer,
  TelemetryBatch,
  TelemetryItem,
  Thrown,
  Visibility,
} from './schemas.js';
export {
  ClosedItemSchema,
  ConsoleItemSchema,
  ConsoleLevelSchema,
  DroppedItemSchema,
  ErrorItemSchema,
  NetworkItemSchema,
  PageInfoSchema,
  ReplAnswerSchema,
  SessionIdSchema,
  TelemetryBatchSchema,
  TelemetryItemSchema,
  ThrownSchema,
  VisibilityItemSchema,
} from './schemas.js';
export type { PageSession, SessionContext, SessionEndReason } from './sessionStore.js';
export { DEFAULT_MAX_SESSIONS } from './sessionStore.js';
export type { MappedStack, SourceMapOptions, SourceMapper } from './sourceMaps.js';
export { createSourceMapper, DEFAULT_SOURCE_MAP_OPTIONS } from './sourceMaps.js';
export type { RawFrame, StackFrame } from './stackFrames.js';
export { displayPath } from './stackFrames.js';
export type { Telemetry, TelemetryOptions, TelemetryStats } from './telemetry.js';
export {
  createTelemetry,
  DEFAULT_CONSOLE_ERROR_EVENTS_PER_SECOND,
  DEFAULT_ERROR_EVENT_INTERVAL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_PENDING_ERRORS,
  DEFAULT_SESSION_TIMEOUT_MS,
} from './telemetry.js';
