// The browser half of the dev supervisor (issue 12): the reverse proxy's records and mappings, page
// telemetry (sessions, grouped errors, console), the REPL and the timeline, as the server's `/api`
// routes, MCP resources and `/stream` channels `proxy` and `browser` give them.
import { z } from 'zod';
import { JsonValueSchema, TimestampSchema } from './common.js';
import { ErrorDetectedSchema } from './devProcess.js';

/** MCP resource URIs of the browser half (with dev processes on). */
export const BrowserResourceUri = {
  proxyRequests: 'proxy://requests',
  proxyMappings: 'proxy://mappings',
  telemetrySessions: 'telemetry://sessions',
  telemetryErrors: 'telemetry://errors',
  telemetryConsoleErrors: 'telemetry://console-errors',
} as const;
export type BrowserResourceUri = (typeof BrowserResourceUri)[keyof typeof BrowserResourceUri];

/**
 * `/stream` channels of the browser half. The envelope's `type` is the message type (`info`, `warning`,
 * `error`); what the message is about is `data.kind` (see {@link BrowserStreamDataSchema}).
 */
export const BrowserChannel = { proxy: 'proxy', browser: 'browser' } as const;
export type BrowserChannel = (typeof BrowserChannel)[keyof typeof BrowserChannel];

/** Entries `proxy://requests` returns. */
export const RECENT_REQUESTS_LIMIT = 100;
/** Default and largest `limit` of the browser `/api` lists. */
export const BROWSER_LIST_DEFAULT_LIMIT = 100;
export const BROWSER_LIST_MAX_LIMIT = 1000;

/** Headers as recorded: lower-case names, secret values replaced by `[redacted]`. */
export const RecordedHeadersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const RecordedBodySchema = z.object({
  text: z.string().nullable(),
  truncated: z.boolean(),
  omitted: z.string().optional(),
});

/** One proxied exchange (`@ws/proxy`'s `ProxyRequestRecord`); times in ms since the epoch. */
export const ProxyRequestRecordSchema = z.object({
  /** Increasing across every proxy of the server; also the page's `x-webstream-request-id`. */
  id: z.string().min(1),
  processId: z.string().nullable(),
  kind: z.enum(['http', 'websocket']),
  method: z.string(),
  /** Path and query as the client sent it. */
  url: z.string(),
  /** The dev server origin it went to. */
  target: z.string(),
  startedAt: z.number(),
  pending: z.boolean(),
  status: z.number().int().nullable(),
  /** Arrival to the last byte handed to the client (a WebSocket: how long it lasted); null while pending. */
  durationMs: z.number().nullable(),
  requestBytes: z.number().int().nonnegative(),
  responseBytes: z.number().int().nonnegative(),
  contentType: z.string().nullable(),
  requestHeaders: RecordedHeadersSchema,
  responseHeaders: RecordedHeadersSchema.nullable(),
  requestBody: RecordedBodySchema.nullable(),
  responseBody: RecordedBodySchema.nullable(),
  failed: z.boolean(),
  /** `kind`: connection_refused, timeout, client_aborted, upstream_aborted, upstream_error, proxy_closed, proxy_error. */
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  injection: z
    .object({ injected: z.boolean(), reason: z.string().optional(), notes: z.array(z.string()).optional() })
    .nullable(),
});
export type ProxyRequestRecord = z.infer<typeof ProxyRequestRecordSchema>;

/** A dev server and the proxy in front of it: open `proxyUrl` instead of `target`. */
export const ProxyMappingSchema = z.object({
  /** The dev server's URL (as detected or given). */
  target: z.string(),
  /** The page to open: the proxy origin plus the target's path. */
  proxyUrl: z.string(),
  processId: z.string().nullable(),
  /** `detected`: from a process's output; `config`: `--proxy-map`; `tool`: `proxy_map` or `POST /api/proxy/mappings`. */
  source: z.enum(['detected', 'config', 'tool']),
  createdAt: TimestampSchema,
});
export type ProxyMapping = z.infer<typeof ProxyMappingSchema>;

/** A page loaded through the proxy (`@ws/telemetry`'s `PageSession`); times ISO. */
export const PageSessionSchema = z.object({
  id: z.string().min(1),
  url: z.string(),
  title: z.string(),
  userAgent: z.string(),
  origin: z.string(),
  processId: z.string().optional(),
  startedAt: TimestampSchema,
  lastSeenAt: TimestampSchema,
  activeAt: TimestampSchema,
  visibility: z.enum(['visible', 'hidden']),
  focused: z.boolean(),
  state: z.enum(['open', 'closed']),
  closedAt: TimestampSchema.optional(),
  closeReason: z.string().optional(),
  /** Whether the REPL can reach it now. */
  commandStream: z.boolean(),
  counts: z.object({
    console: z.number().int(),
    errors: z.number().int(),
    network: z.number().int(),
    droppedOnPage: z.number().int(),
    droppedOnServer: z.number().int(),
  }),
});
export type PageSession = z.infer<typeof PageSessionSchema>;

/** A stack frame, mapped to the original source when the dev server served a map. */
export const StackFrameSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  function: z.string().optional(),
  mapped: z.boolean(),
  raw: z.object({
    url: z.string(),
    line: z.number().int().nullable(),
    column: z.number().int().nullable(),
    function: z.string().optional(),
  }),
});
export type StackFrame = z.infer<typeof StackFrameSchema>;

/** One distinct page error with its count (a render loop throwing 1,000 times is one group). */
export const ErrorGroupSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['error', 'rejection']),
  name: z.string(),
  message: z.string(),
  /** The top frame, mapped (`src/App.tsx`, 42, 15). */
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  stack: z.string(),
  rawStack: z.string().optional(),
  frames: z.array(StackFrameSchema),
  mapping: z.enum(['mapped', 'partial', 'unmapped', 'no-stack']),
  mappingNote: z.string().optional(),
  count: z.number().int().positive(),
  firstSeen: TimestampSchema,
  lastSeen: TimestampSchema,
  /** Page session ids, most recent last. */
  sessions: z.array(z.string()),
  url: z.string(),
  processId: z.string().optional(),
});
export type ErrorGroup = z.infer<typeof ErrorGroupSchema>;

/** A console call on a page (identical consecutive calls coalesced into `count`). */
export const ConsoleEntrySchema = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  processId: z.string().optional(),
  timestamp: TimestampSchema,
  level: z.enum(['debug', 'log', 'info', 'warn', 'error', 'trace']),
  text: z.string(),
  count: z.number().int().positive(),
  url: z.string(),
  truncated: z.boolean(),
  /** `webstream`: a line the collector added (items dropped on the page or the server). */
  source: z.enum(['page', 'webstream']),
});
export type ConsoleEntry = z.infer<typeof ConsoleEntrySchema>;

/** A `fetch`/XHR the page saw fail (network error or status >= 400), linked to the proxy's record by `requestId`. */
export const NetworkFailureSchema = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  processId: z.string().optional(),
  timestamp: TimestampSchema,
  via: z.enum(['fetch', 'xhr']),
  method: z.string(),
  url: z.string(),
  /** 0 for a network error. */
  status: z.number().int(),
  statusText: z.string().optional(),
  error: z.string().optional(),
  durationMs: z.number(),
  /** The proxy record of the same request (`x-webstream-request-id`), when the response had one. */
  requestId: z.string().optional(),
  pageUrl: z.string(),
});
export type NetworkFailure = z.infer<typeof NetworkFailureSchema>;

/** A browser error on channel `errors` and as `notifications/error/detected`: the seed's shape plus where. */
export const BrowserErrorDetectedSchema = ErrorDetectedSchema.extend({
  source: z.literal('browser'),
  /** The page session it happened in. */
  pageSessionId: z.string(),
  /** The {@link ErrorGroup} id and its count so far. */
  groupId: z.string(),
  count: z.number().int().positive(),
  /** The page URL. */
  url: z.string(),
});
export type BrowserErrorDetected = z.infer<typeof BrowserErrorDetectedSchema>;

/** `POST /api/proxy/mappings`: a fixed mapping. */
export const ProxyMapInputSchema = z.object({
  target: z.string().min(1).describe('The dev server URL, http: or https:'),
  processId: z.string().min(1).optional().describe('The process it belongs to'),
});
export type ProxyMapInput = z.infer<typeof ProxyMapInputSchema>;

/** `POST /api/telemetry/repl`. */
export const ReplInputSchema = z.object({
  code: z
    .string()
    .min(1)
    .max(100_000)
    .describe('JavaScript to run in the page (an expression, or statements with return)'),
  sessionId: z.string().min(1).optional().describe('Page session id; default the most recently active visible tab'),
  timeoutMs: z.number().int().min(1).max(60_000).optional().describe('How long to wait for the answer (default 5000)'),
});
export type ReplInput = z.infer<typeof ReplInputSchema>;

/** `POST /api/telemetry/sessions/:id/navigate`. */
export const NavigateInputSchema = z.object({
  url: z.string().min(1).describe('A path on the page origin, or an http(s) URL'),
});
export type NavigateInput = z.infer<typeof NavigateInputSchema>;

/** The answer of the REPL (and of refresh/navigate), to the caller only. */
export const ReplResponseSchema = z.object({
  /** The page session that ran it. */
  sessionId: z.string(),
  /** How the session was chosen. */
  chosen: z.enum(['given', 'most-recent-visible', 'most-recent']),
  url: z.string().optional(),
  title: z.string().optional(),
  ok: z.boolean(),
  /** The result, serialized safely (depth and size caps). */
  value: JsonValueSchema.optional(),
  /** `typeof` the result. */
  type: z.string().optional(),
  /** What the code threw (or why it did not run). */
  error: z.object({ name: z.string(), message: z.string(), stack: z.string().optional() }).optional(),
  durationMs: z.number().optional(),
});
export type ReplResponse = z.infer<typeof ReplResponseSchema>;

/** One line of the timeline: a process log line, a proxied request, a page error or a console line. */
export const TimelineEntrySchema = z.object({
  at: TimestampSchema,
  kind: z.enum(['log', 'request', 'page-error', 'console']),
  processId: z.string().nullable(),
  /** One line saying what happened. */
  summary: z.string(),
  /** The item's id in its own list (log line id, request id, error group id, console entry id). */
  ref: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const ProxyMappingListSchema = z.object({ mappings: z.array(ProxyMappingSchema) });
export type ProxyMappingList = z.infer<typeof ProxyMappingListSchema>;
export const ProxyRequestListSchema = z.object({ requests: z.array(ProxyRequestRecordSchema) });
export type ProxyRequestList = z.infer<typeof ProxyRequestListSchema>;
export const PageSessionListSchema = z.object({ sessions: z.array(PageSessionSchema) });
export type PageSessionList = z.infer<typeof PageSessionListSchema>;
export const ErrorGroupListSchema = z.object({ errors: z.array(ErrorGroupSchema) });
export type ErrorGroupList = z.infer<typeof ErrorGroupListSchema>;
export const ConsoleEntryListSchema = z.object({ entries: z.array(ConsoleEntrySchema) });
export type ConsoleEntryList = z.infer<typeof ConsoleEntryListSchema>;
export const NetworkFailureListSchema = z.object({ failures: z.array(NetworkFailureSchema) });
export type NetworkFailureList = z.infer<typeof NetworkFailureListSchema>;
export const TimelineSchema = z.object({ entries: z.array(TimelineEntrySchema) });
export type Timeline = z.infer<typeof TimelineSchema>;

/**
 * The `data` of a message on the `proxy` and `browser` channels of `/stream`, discriminated on `kind`:
 * channel `proxy`: `request` (an exchange completed or failed), `mapping` (a proxy started or stopped);
 * channel `browser`: `error` (a page error group, on its first occurrence and then at most every 5 s while
 * it repeats), `console` (a console line; at most 50 per second, the rest are only in the store),
 * `session` (a page session started or ended).
 */
export const BrowserStreamDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), record: ProxyRequestRecordSchema }),
  z.object({ kind: z.literal('mapping'), action: z.enum(['added', 'removed']), mapping: ProxyMappingSchema }),
  z.object({ kind: z.literal('error'), group: ErrorGroupSchema, sessionId: z.string() }),
  z.object({ kind: z.literal('console'), entry: ConsoleEntrySchema }),
  z.object({ kind: z.literal('session'), event: z.enum(['started', 'ended']), session: PageSessionSchema }),
]);
export type BrowserStreamData = z.infer<typeof BrowserStreamDataSchema>;
