import { z } from 'zod';
import { FIELD_LIMITS } from './pageConfig.js';

export { FIELD_LIMITS };

/** Most items one batch may carry (the page sends at most 50). */
export const MAX_BATCH_ITEMS = 200;

const at = z.number().int().min(0).max(8_640_000_000_000_000);
const str = (max: number) => z.string().max(max);
const count = z.number().int().min(1).max(1_000_000_000);
const tally = z.number().int().min(0).max(1_000_000_000);

/** A page session id: 8 to 64 characters of `A-Z a-z 0-9 _ -`. */
export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 characters of A-Z a-z 0-9 _ -');

/** Page visibility, as `document.visibilityState` reports it (`prerender` counts as hidden). */
export const VisibilitySchema = z.enum(['visible', 'hidden']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/** Console levels the page script captures; `assert` failures arrive as `error`, `dir`/`table` as `log`. */
export const ConsoleLevelSchema = z.enum(['debug', 'log', 'info', 'warn', 'error', 'trace']);
export type ConsoleLevel = z.infer<typeof ConsoleLevelSchema>;

/** What every batch says about the page that sent it (current values). */
export const PageInfoSchema = z.object({
  id: SessionIdSchema,
  url: str(FIELD_LIMITS.url),
  title: str(FIELD_LIMITS.title),
  userAgent: str(FIELD_LIMITS.userAgent),
  startedAt: at,
  visibility: VisibilitySchema,
  focused: z.boolean(),
});
export type PageInfo = z.infer<typeof PageInfoSchema>;

/** The page became visible or hidden, or gained or lost focus. */
export const VisibilityItemSchema = z.object({
  kind: z.literal('visibility'),
  at,
  state: VisibilitySchema,
  focused: z.boolean(),
});

/** The page is going away (`pagehide`); `persisted` when it enters the back/forward cache. */
export const ClosedItemSchema = z.object({ kind: z.literal('closed'), at, persisted: z.boolean() });

/** An uncaught error or an unhandled rejection; `count` identical ones coalesced on the page. */
export const ErrorItemSchema = z.object({
  kind: z.literal('error'),
  at,
  type: z.enum(['error', 'rejection']),
  name: str(FIELD_LIMITS.name),
  message: str(FIELD_LIMITS.message),
  stack: str(FIELD_LIMITS.stack).optional(),
  source: str(FIELD_LIMITS.url).optional(),
  line: z.number().int().min(0).optional(),
  column: z.number().int().min(0).optional(),
  count,
});
export type ErrorItem = z.infer<typeof ErrorItemSchema>;

/** One console call (or `count` identical consecutive ones); `args` are safely serialized JSON values. */
export const ConsoleItemSchema = z.object({
  kind: z.literal('console'),
  at,
  level: ConsoleLevelSchema,
  args: z.array(z.unknown()).max(100),
  count,
  truncated: z.boolean().optional(),
});
export type ConsoleItem = z.infer<typeof ConsoleItemSchema>;

/** A failed fetch or XHR: network error (`status` 0, `error` set) or HTTP status >= 400. */
export const NetworkItemSchema = z.object({
  kind: z.literal('network'),
  at,
  via: z.enum(['fetch', 'xhr']),
  method: str(16),
  url: str(FIELD_LIMITS.url),
  status: z.number().int().min(0).max(999),
  statusText: str(200).optional(),
  error: str(FIELD_LIMITS.message).optional(),
  durationMs: z.number().min(0).max(86_400_000),
  requestId: str(200).optional(),
});
export type NetworkItem = z.infer<typeof NetworkItemSchema>;

/**
 * Items the page dropped: `rate` (over its per-second budget), `queue` (queue full), `send` (a
 * batch that could not be delivered).
 */
export const DroppedItemSchema = z.object({
  kind: z.literal('dropped'),
  at,
  reason: z.enum(['rate', 'queue', 'send']),
  console: tally,
  error: tally,
  network: tally,
});
export type DroppedItem = z.infer<typeof DroppedItemSchema>;

/** Any batch item, discriminated on `kind`. */
export const TelemetryItemSchema = z.discriminatedUnion('kind', [
  VisibilityItemSchema,
  ClosedItemSchema,
  ErrorItemSchema,
  ConsoleItemSchema,
  NetworkItemSchema,
  DroppedItemSchema,
]);
export type TelemetryItem = z.infer<typeof TelemetryItemSchema>;

/** `POST <base>telemetry`: what the page script sends. */
export const TelemetryBatchSchema = z.object({
  key: str(200),
  session: PageInfoSchema,
  seq: z.number().int().min(0),
  items: z.array(TelemetryItemSchema).max(MAX_BATCH_ITEMS),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatchSchema>;

/** An error thrown in the page, as the REPL reports it. */
export const ThrownSchema = z.object({
  name: str(FIELD_LIMITS.name),
  message: str(FIELD_LIMITS.message),
  stack: str(FIELD_LIMITS.stack).optional(),
});
export type Thrown = z.infer<typeof ThrownSchema>;

const answerBase = { key: str(200), sessionId: SessionIdSchema, id: str(100), durationMs: z.number().min(0) };

/** `POST <base>answer`: the page's one answer to a command. */
export const ReplAnswerSchema = z.discriminatedUnion('ok', [
  z.object({ ...answerBase, ok: z.literal(true), value: z.unknown(), type: str(100), url: str(FIELD_LIMITS.url) }),
  z.object({ ...answerBase, ok: z.literal(false), error: ThrownSchema }),
]);
export type ReplAnswer = z.infer<typeof ReplAnswerSchema>;

/** A command sent to one page over its command stream (`event: command`). */
export type PageCommand =
  | { id: string; action: 'eval'; code: string }
  | { id: string; action: 'refresh' }
  | { id: string; action: 'navigate'; url: string };

/** One line per issue: `items[3].level: Invalid option ...`, at most `max` issues. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path
      .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`))
      .join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - max;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}
