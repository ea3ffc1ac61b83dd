// The shapes the requests, page, timeline and REPL views read: the server's schemas from @ws/events
// (packages/events/src/browser.ts), under the names the views use.
export type {
  BrowserStreamData,
  ConsoleEntry,
  ErrorGroup as PageErrorGroup,
  PageSession,
  ProxyMapping,
  ProxyRequestRecord as ProxyRequest,
  ReplResponse as ReplAnswer,
  TimelineEntry,
} from '@ws/events';
export {
  BrowserChannel,
  BrowserStreamDataSchema,
  ConsoleEntryListSchema as ConsoleListSchema,
  ConsoleEntrySchema,
  ErrorGroupListSchema as PageErrorListSchema,
  ErrorGroupSchema as PageErrorGroupSchema,
  PageSessionListSchema as SessionListSchema,
  PageSessionSchema,
  ProxyMappingListSchema as MappingListSchema,
  ProxyRequestListSchema as RequestListSchema,
  ProxyRequestRecordSchema as ProxyRequestSchema,
  ReplResponseSchema as ReplAnswerSchema,
  TimelineSchema,
} from '@ws/events';
