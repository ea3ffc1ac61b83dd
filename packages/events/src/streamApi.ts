// What the stream side of the server answers and accepts besides a push: results, status, acks, errors.
import { z } from 'zod';
import { TimestampSchema } from './common.js';
import { ChannelSchema, MessagePrioritySchema, MessageTypeSchema, StreamMessageSchema } from './stream.js';

const Count = z.number().int().nonnegative();

/**
 * What a push returns: the `push_stream` structured result, and the `POST /api/push` answer (which
 * adds `status: "success"`).
 */
export const PushResultSchema = z.object({
  /** `"success"` in the HTTP answer; absent from the MCP tool result. */
  status: z.literal('success').optional(),
  id: z.string().min(1).describe('Event id; clients resume after it with Last-Event-ID'),
  timestamp: TimestampSchema.describe('ISO-8601 UTC time the server accepted the message'),
  channel: ChannelSchema,
  type: MessageTypeSchema,
  priority: MessagePrioritySchema,
  clients: Count.describe('Subscribers on this instance the message was queued to'),
});
export type PushResult = z.infer<typeof PushResultSchema>;

/**
 * The stream's counters, as `stream_status`, `GET /api/stats` (and, as gauges, `/metrics`) give them:
 * the hub's counters plus uptime and history size.
 */
export const StreamStatusSchema = z.object({
  clients: Count.describe('Connected subscribers'),
  channels: z.record(z.string(), Count).describe('Subscribers per channel filter; * = subscribers of every channel'),
  published: Count.describe('Events received from the bus (published on any instance)'),
  delivered: Count.describe(
    'Frames handed to transports: live and replayed events, and per-connection messages (`connected`, `/ws` answers)',
  ),
  dropped: Count.describe('Event frames dropped from overflowing queues (each covered by a gap event)'),
  evicted: Count.describe('Subscribers disconnected for exceeding their queue budget'),
  queuedBytes: Count.describe('Bytes waiting in subscriber queues'),
  uptimeSeconds: Count.describe('Seconds since the server started'),
  historySize: Count.describe('Events the history retains (--history-size)'),
});
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

/** A connection's identity: `<instance>.<n>`, and the JWT subject it authenticated with, if any. */
export const RecipientSchema = z.object({
  connection: z.string().describe('Connection id, unique across instances: <instance>.<n>'),
  subject: z.string().optional().describe('The JWT subject the connection authenticated with'),
});
export type Recipient = z.infer<typeof RecipientSchema>;

/** One acknowledgement: who sent it (its connection, its subject, or both) and when. */
export const AckRecordSchema = z.object({
  connection: z.string().optional(),
  subject: z.string().optional(),
  at: TimestampSchema,
});
export type AckRecord = z.infer<typeof AckRecordSchema>;

/** Delivery and acknowledgement figures of one message (`message_status`, `GET /api/messages/:id`, `POST /api/ack`). */
export const MessageStatusSchema = z.object({
  id: z.string().min(1),
  reached: Count.describe('Connections the message was queued to when it was published (every instance)'),
  acknowledged: Count.describe('Distinct connections or subjects that acknowledged it'),
  recipients: z
    .array(RecipientSchema)
    .describe('Which connections it was queued to (at most 100 per instance are listed)'),
  acks: z.array(AckRecordSchema).describe('Who acknowledged it and when (the first 100 are listed)'),
});
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/**
 * The body of `POST /api/ack`: message `id` was seen. The acknowledgement is recorded under the
 * sender's identity: the connection named by `connection` with its `key` (both from the stream's
 * `connected` event), and/or the subject of the request's JWT. Nobody can acknowledge for another.
 */
export const AckInputSchema = z.object({
  id: z.string().min(1).max(256),
  connection: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}\.[0-9]{1,16}$/, 'connection must be the id from the connected event (<instance>.<n>)')
    .optional(),
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, 'key must be the ackKey from the connected event')
    .optional(),
});
export type AckInput = z.infer<typeof AckInputSchema>;

/** Recent messages, oldest first (`stream_history`, `GET /api/history`). */
export const MessageHistorySchema = z.object({ messages: z.array(StreamMessageSchema) });
export type MessageHistory = z.infer<typeof MessageHistorySchema>;

/** One problem with a request's input: where (`path`, dotted, `(body)` for the whole) and what to fix. */
export const IssueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof IssueSchema>;

/** The body of every HTTP error answer (4xx, 5xx): what to fix, and per-field issues for invalid input. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  issues: z.array(IssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
