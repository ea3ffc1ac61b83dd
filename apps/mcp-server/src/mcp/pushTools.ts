import type { McpServer } from '@modelcontextprotocol/server';
import {
  ChannelSchema,
  MAX_MESSAGE_LENGTH,
  MessageHistorySchema,
  MessagePrioritySchema,
  MessageStatusSchema,
  MessageTypeSchema,
  PushInputSchema,
  PushResultSchema,
  StreamStatusSchema,
} from '@ws/events';
import { z } from 'zod';
import type { StreamApi } from '../api/webstreamApi.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../http/body/jsonDepth.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../stream/idempotency.js';
import { publisherOf } from './http/mcpCaller.js';
import { fail, fromOutcome, READ_ONLY } from './toolResult.js';

const PushArgs = z.object({
  message: z
    .string()
    .min(1, 'message must not be empty')
    .max(MAX_MESSAGE_LENGTH)
    .describe('The text to show; several lines are fine'),
  type: MessageTypeSchema.optional().describe('info (default), warning, error, success or custom'),
  channel: ChannelSchema.optional().describe('Channel name (default "default"); clients may subscribe to channels'),
  data: z.unknown().optional().describe('Optional structured JSON payload delivered with the message'),
  priority: MessagePrioritySchema.optional().describe(
    'low, normal (default) or high; high is never dropped for slow clients',
  ),
  idempotencyKey: z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, 'idempotencyKey must be 1-200 printable ASCII characters without spaces')
    .optional()
    .describe(
      'Retrying with the same key returns the first result instead of pushing again (as Idempotency-Key on POST /api/push)',
    ),
});

/** `push_stream`, `stream_status`, `stream_history`, `message_status`. `where` names the stream URL for descriptions. */
export function registerPushTools(server: McpServer, stream: StreamApi, where: string): void {
  server.registerTool(
    'push_stream',
    {
      title: 'Push a message to the live stream',
      description: `Send a message to every web client connected to the stream (or to one channel). Returns the event id, timestamp and how many clients it reached.${where}`,
      inputSchema: PushArgs,
      outputSchema: PushResultSchema.omit({ status: true }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, ctx) => {
      if (exceedsJsonDepth(args.data, MAX_JSON_DEPTH)) {
        return fail(
          `invalid push_stream arguments: data nests objects/arrays more than ${MAX_JSON_DEPTH} levels deep (the limit); flatten it`,
        );
      }
      const { idempotencyKey, ...pushArgs } = args;
      const input = PushInputSchema.safeParse(pushArgs);
      if (!input.success) {
        return fail(
          `invalid push_stream arguments: ${input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
        );
      }
      return fromOutcome(
        await stream.push(input.data, publisherOf(ctx), { idempotencyKey }),
        ({ replayed: _, ...result }) => ({
          structured: { ...result },
          text: `Pushed message ${result.id} to ${result.clients} client(s) on channel "${result.channel}" at ${result.timestamp}.`,
        }),
      );
    },
  );

  server.registerTool(
    'stream_status',
    {
      title: 'Stream status',
      description: 'Connected clients (total and per channel), events published, delivered and dropped, and uptime.',
      inputSchema: z.object({}),
      outputSchema: StreamStatusSchema,
      annotations: READ_ONLY,
    },
    async () => fromOutcome(await stream.status(), (status) => ({ structured: { ...status } })),
  );

  server.registerTool(
    'stream_history',
    {
      title: 'Recent messages',
      description: 'The most recent messages pushed to the stream, oldest first, optionally for one channel.',
      inputSchema: z.object({
        channel: ChannelSchema.optional().describe('Only this channel'),
        limit: z.number().int().min(1).max(100).optional().describe('How many (1-100, default 20)'),
      }),
      outputSchema: MessageHistorySchema,
      annotations: READ_ONLY,
    },
    async ({ channel, limit }) =>
      fromOutcome(await stream.history({ channel, limit }), (messages) => ({ structured: { messages } })),
  );

  server.registerTool(
    'message_status',
    {
      title: 'Delivery and acknowledgements of a message',
      description:
        'Which connections a pushed message was queued to (every instance) and who acknowledged it, when (POST /api/ack).',
      inputSchema: z.object({ id: z.string().min(1).describe('The id push_stream returned') }),
      outputSchema: MessageStatusSchema,
      annotations: READ_ONLY,
    },
    async ({ id }) => fromOutcome(await stream.messageStatus(id), (status) => ({ structured: { ...status } })),
  );
}
