import { z } from 'zod';
import { JsonValueSchema, TimestampSchema } from './common.js';

/** Longest message text accepted, in characters. */
export const MAX_MESSAGE_LENGTH = 64 * 1024;

/** Kind of a stream message; clients filter and colour by it. */
export const MessageTypeSchema = z.enum(['info', 'warning', 'error', 'success', 'custom']);
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** Delivery priority: `high` is written first and never dropped from a backlogged client queue. */
export const MessagePrioritySchema = z.enum(['low', 'normal', 'high']);
export type MessagePriority = z.infer<typeof MessagePrioritySchema>;

/** A channel name: 1-64 letters, digits, `.`, `_`, `:` or `-`. */
export const ChannelSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'channel must be 1-64 characters of letters, digits, ".", "_", ":" or "-"');

/** Channel of messages that name none. */
export const DEFAULT_STREAM_CHANNEL = 'default';

/** What a publisher pushes (MCP `push_stream`, `POST /api/push`): message text and/or JSON data. */
export const PushInputSchema = z
  .object({
    message: z
      .string()
      .min(1, 'message must not be empty')
      .max(MAX_MESSAGE_LENGTH, `message must be at most ${MAX_MESSAGE_LENGTH} characters`)
      .optional(),
    data: JsonValueSchema.optional(),
    type: MessageTypeSchema.default('info'),
    channel: ChannelSchema.default(DEFAULT_STREAM_CHANNEL),
    priority: MessagePrioritySchema.default('normal'),
  })
  .strict()
  .refine((v) => v.message !== undefined || v.data !== undefined, {
    message: 'give a message, data, or both',
    path: ['message'],
  });
export type PushInput = z.input<typeof PushInputSchema>;
export type ParsedPushInput = z.output<typeof PushInputSchema>;

/** A message as stored and delivered: the push input plus its id and timestamp (the `?format=json` envelope). */
export const StreamMessageSchema = z.object({
  id: z.string().min(1),
  timestamp: TimestampSchema,
  channel: ChannelSchema,
  type: MessageTypeSchema,
  priority: MessagePrioritySchema,
  message: z.string().optional(),
  data: JsonValueSchema.optional(),
});
export type StreamMessage = z.infer<typeof StreamMessageSchema>;
