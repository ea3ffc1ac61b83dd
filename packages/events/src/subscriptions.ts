// The subscription API of live connections: `/api/connections/:id/subscriptions` and `/api/subscriptions`.
import { z } from 'zod';
import { ChannelSchema, MessageTypeSchema } from './stream.js';
import { RecipientSchema } from './streamApi.js';

/**
 * The data of the named `connected` event every `/stream` connection gets first (and the identity
 * fields of a `/ws` `welcome`): the id the subscription API takes, the connection's identity across
 * instances, the JWT subject it authenticated with, and the key its acknowledgements carry.
 */
export const StreamConnectedSchema = z.object({
  connectionId: z.number().int().positive().describe("This instance's id of the connection: /api/connections/:id"),
  ...RecipientSchema.shape,
  ackKey: z.string().describe('Proves the connection on POST /api/ack (with `connection`)'),
});
export type StreamConnected = z.infer<typeof StreamConnectedSchema>;

/** Most channels or types one change may name per list. */
export const MAX_SUBSCRIPTION_NAMES = 64;

const Channels = z.array(ChannelSchema).max(MAX_SUBSCRIPTION_NAMES);
const Types = z.array(MessageTypeSchema).max(MAX_SUBSCRIPTION_NAMES);
const Names = z.object({ channels: Channels.optional(), types: Types.optional() }).strict();

/**
 * The body of `POST /api/connections/:id/subscriptions`, applied in this order: `set` replaces a
 * filter (`null`: every channel or type; `[]`: none), then `add`, then `remove`. Events of an added
 * channel arrive from the next one published (nothing older is replayed); a removed one stops at once.
 */
export const SubscriptionChangeSchema = z
  .object({
    set: z.object({ channels: Channels.nullable().optional(), types: Types.nullable().optional() }).strict().optional(),
    add: Names.optional(),
    remove: Names.optional(),
  })
  .strict()
  .refine((v) => v.set !== undefined || v.add !== undefined || v.remove !== undefined, {
    message: 'give set, add or remove',
  });
export type SubscriptionChange = z.input<typeof SubscriptionChangeSchema>;

/** One live connection's filters (`null`: every channel, or every type). */
export const SubscriptionStateSchema = z.object({
  connectionId: z.number().int().positive(),
  transport: z.enum(['sse', 'ws']),
  channels: z.array(z.string()).nullable(),
  types: z.array(z.string()).nullable(),
});
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>;

/** `GET /api/subscriptions?channel=`: the connections that receive a channel, named or through every channel. */
export const ChannelSubscriptionsSchema = z.object({
  channel: z.string(),
  connections: z.array(SubscriptionStateSchema),
});
export type ChannelSubscriptions = z.infer<typeof ChannelSubscriptionsSchema>;

/** `GET /api/subscriptions` without `channel`: connection ids per channel; `*` holds those of every channel. */
export const SubscriptionsByChannelSchema = z.object({
  channels: z.record(z.string(), z.array(z.number().int().positive())),
});
export type SubscriptionsByChannel = z.infer<typeof SubscriptionsByChannelSchema>;
