// The JSON protocol of `GET /ws`: what a WebSocket client sends and what the server sends back.
// Every WebSocket message is one JSON object with a `kind`.
import { z } from 'zod';
import { ChannelSchema, MessageTypeSchema, PushInputSchema, StreamMessageSchema } from './stream.js';
import { IssueSchema, MessageStatusSchema, PushResultSchema } from './streamApi.js';
import { StreamGapSchema } from './streamSignals.js';
import { StreamConnectedSchema } from './subscriptions.js';

/** Most channels or types one subscribe or unsubscribe message may name. */
export const MAX_WS_FILTER_NAMES = 64;

/** A client's correlation value: echoed as `ref` in the answer to that message. */
export const WsRefSchema = z.union([z.string().max(128), z.number().int()]);

const Channels = z.array(ChannelSchema).max(MAX_WS_FILTER_NAMES);
const Types = z.array(MessageTypeSchema).max(MAX_WS_FILTER_NAMES);

/**
 * Adds channels and types to the socket's filters (events of an added channel arrive from now on;
 * nothing older is replayed). With `replace: true`, each list given replaces that filter instead
 * (`[]`: nothing), so a socket that receives every channel can narrow itself. Answered `subscribed`.
 */
export const WsSubscribeSchema = z
  .object({
    kind: z.literal('subscribe'),
    ref: WsRefSchema.optional(),
    channels: Channels.optional(),
    types: Types.optional(),
    replace: z.boolean().optional(),
  })
  .strict();

/** Removes channels and types from the socket's filters (refused while it receives every one). Answered `subscribed`. */
export const WsUnsubscribeSchema = z
  .object({
    kind: z.literal('unsubscribe'),
    ref: WsRefSchema.optional(),
    channels: Channels.optional(),
    types: Types.optional(),
  })
  .strict();

/** Publishes a message exactly as `POST /api/push` would (same body, checks and rate policy). Answered `published`. */
export const WsPublishSchema = z
  .object({ kind: z.literal('publish'), ref: WsRefSchema.optional(), message: PushInputSchema })
  .strict();

/** Acknowledges event `id` as this connection. Answered `acked` with the message's delivery status. */
export const WsAckSchema = z
  .object({ kind: z.literal('ack'), ref: WsRefSchema.optional(), id: z.string().min(1).max(256) })
  .strict();

/** Any message a client sends on `/ws`. */
export const WsClientMessageSchema = z.discriminatedUnion('kind', [
  WsSubscribeSchema,
  WsUnsubscribeSchema,
  WsPublishSchema,
  WsAckSchema,
]);
export type WsClientMessage = z.input<typeof WsClientMessageSchema>;
export type ParsedWsClientMessage = z.output<typeof WsClientMessageSchema>;

/** Channel and type filters of a socket; `null`: every channel (or type). */
const Filters = { channels: z.array(z.string()).nullable(), types: z.array(z.string()).nullable() };

/**
 * The first message on every socket: what a `/stream` `connected` event says (its connection id for
 * `/api/connections/:id`, its identity and ack key, so it can also acknowledge over `POST /api/ack`),
 * and its filters.
 */
export const WsWelcomeSchema = z.object({
  kind: z.literal('welcome'),
  ...StreamConnectedSchema.shape,
  ...Filters,
});

/** A stream message, exactly the `?format=json` envelope of `/stream`. Its `message.id` is what to resume after. */
export const WsEventSchema = z.object({ kind: z.literal('event'), message: StreamMessageSchema });

/** The `/stream` `gap` signal: what this socket missed, and where. */
export const WsGapSchema = z.object({ kind: z.literal('gap'), gap: StreamGapSchema });

/** Ends a replay (after `?lastEventId=` or `?replay=`): how many events it sent. */
export const WsReplayedSchema = z.object({ kind: z.literal('replayed'), count: z.number().int().nonnegative() });

/** The filters after a `subscribe` or `unsubscribe`. */
export const WsSubscribedSchema = z.object({ kind: z.literal('subscribed'), ref: WsRefSchema.optional(), ...Filters });

/** A `publish` was accepted: the same result `POST /api/push` answers. */
export const WsPublishedSchema = z.object({
  kind: z.literal('published'),
  ref: WsRefSchema.optional(),
  result: PushResultSchema,
});

/** An `ack` was recorded: the message's delivery status. */
export const WsAckedSchema = z.object({
  kind: z.literal('acked'),
  ref: WsRefSchema.optional(),
  status: MessageStatusSchema,
});

/** A client message was refused: the HTTP status that means the same, and what to fix. The socket stays open. */
export const WsErrorSchema = z.object({
  kind: z.literal('error'),
  ref: WsRefSchema.optional(),
  status: z.number().int().min(400).max(599),
  message: z.string(),
  issues: z.array(IssueSchema).optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

/** Any message the server sends on `/ws`. */
export const WsServerMessageSchema = z.discriminatedUnion('kind', [
  WsWelcomeSchema,
  WsEventSchema,
  WsGapSchema,
  WsReplayedSchema,
  WsSubscribedSchema,
  WsPublishedSchema,
  WsAckedSchema,
  WsErrorSchema,
]);
export type WsServerMessage = z.infer<typeof WsServerMessageSchema>;

/**
 * Close codes the server uses: `normal` (1000, closed by `DELETE /api/clients/:id`), `goingAway`
 * (1001, the server is stopping or the connection reached its lifetime), `policy` (1008, a query
 * value the hub refused, such as a malformed `lastEventId`), `tooBig` (1009, a message over
 * `--max-body-bytes`), `error` (1011), `tryAgainLater` (1013: the socket fell behind past its byte
 * budget, or a connection cap was reached meanwhile; reconnect with `?lastEventId=` to resume). A
 * missed pong ends the TCP connection without a close frame. A message the server cannot use is
 * answered with an `error` message; the socket stays open.
 */
export const WS_CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  error: 1011,
  tryAgainLater: 1013,
} as const;
