import { z } from 'zod';
import {
  BrowserErrorDetectedSchema,
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
  RecordedHeadersSchema,
  ReplInputSchema,
  ReplResponseSchema,
  StackFrameSchema,
  TimelineEntrySchema,
  TimelineSchema,
} from './browser.js';
import {
  ErrorListSchema,
  LogLinesSchema,
  ProcessListSchema,
  ProcessResultSchema,
  RunResultSchema,
  ScriptListSchema,
} from './devApi.js';
import {
  ErrorDetectedSchema,
  LogEntrySchema,
  LogLineSchema,
  ProcessErrorSchema,
  ProcessExitedSchema,
  ProcessInfoSchema,
  ProcessStartedSchema,
} from './devProcess.js';
import { DevEventSchema, SessionGapSchema } from './notifications.js';
import { PushInputSchema, StreamMessageSchema } from './stream.js';
import {
  AckInputSchema,
  AckRecordSchema,
  ErrorBodySchema,
  MessageHistorySchema,
  MessageStatusSchema,
  PushResultSchema,
  RecipientSchema,
  StreamStatusSchema,
} from './streamApi.js';
import { ReplayedSchema, StreamGapSchema } from './streamSignals.js';
import {
  ChannelSubscriptionsSchema,
  StreamConnectedSchema,
  SubscriptionChangeSchema,
  SubscriptionStateSchema,
  SubscriptionsByChannelSchema,
} from './subscriptions.js';
import { WsClientMessageSchema, WsServerMessageSchema } from './wsProtocol.js';

/** The schemas documented as JSON Schema (draft 2020-12), by name: every payload the server emits or accepts. */
export const documentedSchemas = {
  // /stream events and the stream API
  PushInput: PushInputSchema,
  StreamMessage: StreamMessageSchema,
  StreamGap: StreamGapSchema,
  Replayed: ReplayedSchema,
  PushResult: PushResultSchema,
  StreamStatus: StreamStatusSchema,
  MessageStatus: MessageStatusSchema,
  AckInput: AckInputSchema,
  Recipient: RecipientSchema,
  AckRecord: AckRecordSchema,
  MessageHistory: MessageHistorySchema,
  ErrorBody: ErrorBodySchema,
  // dev processes: notification params, /stream dev events, the HTTP API
  ProcessStarted: ProcessStartedSchema,
  ProcessExited: ProcessExitedSchema,
  LogEntry: LogEntrySchema,
  ErrorDetected: ErrorDetectedSchema,
  DevEvent: DevEventSchema,
  ProcessInfo: ProcessInfoSchema,
  ProcessError: ProcessErrorSchema,
  LogLine: LogLineSchema,
  ScriptList: ScriptListSchema,
  ProcessList: ProcessListSchema,
  ProcessResult: ProcessResultSchema,
  RunResult: RunResultSchema,
  LogLines: LogLinesSchema,
  ErrorList: ErrorListSchema,
  // MCP sessions
  SessionGap: SessionGapSchema,
  // the browser half: proxy, page telemetry, REPL, timeline
  ProxyRequestRecord: ProxyRequestRecordSchema,
  RecordedHeaders: RecordedHeadersSchema,
  ProxyMapping: ProxyMappingSchema,
  PageSession: PageSessionSchema,
  StackFrame: StackFrameSchema,
  ErrorGroup: ErrorGroupSchema,
  ConsoleEntry: ConsoleEntrySchema,
  NetworkFailure: NetworkFailureSchema,
  BrowserErrorDetected: BrowserErrorDetectedSchema,
  BrowserStreamData: BrowserStreamDataSchema,
  ProxyMapInput: ProxyMapInputSchema,
  ReplInput: ReplInputSchema,
  NavigateInput: NavigateInputSchema,
  ReplResponse: ReplResponseSchema,
  TimelineEntry: TimelineEntrySchema,
  ProxyMappingList: ProxyMappingListSchema,
  ProxyRequestList: ProxyRequestListSchema,
  PageSessionList: PageSessionListSchema,
  ErrorGroupList: ErrorGroupListSchema,
  ConsoleEntryList: ConsoleEntryListSchema,
  NetworkFailureList: NetworkFailureListSchema,
  Timeline: TimelineSchema,
  // live subscriptions: the /stream connected event, /api/connections/:id/subscriptions, /api/subscriptions
  StreamConnected: StreamConnectedSchema,
  SubscriptionChange: SubscriptionChangeSchema,
  SubscriptionState: SubscriptionStateSchema,
  ChannelSubscriptions: ChannelSubscriptionsSchema,
  SubscriptionsByChannel: SubscriptionsByChannelSchema,
  // GET /ws: what a WebSocket client sends, and what the server sends back
  WsClientMessage: WsClientMessageSchema,
  WsServerMessage: WsServerMessageSchema,
} as const;

/** Name of a documented schema. */
export type DocumentedSchemaName = keyof typeof documentedSchemas;

/** JSON Schema of every documented schema, for docs and non-TypeScript clients. */
export function toJsonSchemas(): Record<DocumentedSchemaName, unknown> {
  const out = {} as Record<DocumentedSchemaName, unknown>;
  for (const [name, schema] of Object.entries(documentedSchemas)) {
    out[name as DocumentedSchemaName] = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  }
  return out;
}
