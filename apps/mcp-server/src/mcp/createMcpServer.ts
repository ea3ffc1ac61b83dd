import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  InitializeRequestSchema,
  isJSONRPCRequest,
  type JSONRPCRequest,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  ChannelSchema,
  MAX_MESSAGE_LENGTH,
  MessagePrioritySchema,
  MessageTypeSchema,
  PushInputSchema,
} from '@ws/events';
import { z } from 'zod';
import type { DevService } from '../dev/devEvents.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../http/body/jsonDepth.js';
import type { PublishPolicy } from '../limits/publishPolicy.js';
import type { StreamService } from '../stream/streamService.js';
import { attachDevSession, registerDevTools } from './devProcessTools.js';
import { publisherOf } from './http/mcpCaller.js';

/** What {@link createMcpServer} needs. */
export interface McpDeps {
  service: StreamService;
  version?: string;
  /** Where clients connect, for the tool descriptions (e.g. http://127.0.0.1:8000). */
  publicUrl?: string;
  /** The dev-process service: adds the scripts_, logs_ and errors_ tools, the resources and the notifications. */
  dev?: DevService;
  /** Told when a notification could not be sent or stored (so it is never lost silently). Default: ignored. */
  onError?: (what: string, error: unknown) => void;
  /**
   * Publishing limits for `push_stream`, applied to the caller the HTTP route recorded (see mcpCaller.ts), or
   * to the local user on stdio. Default: none (not limited).
   */
  publishPolicy?: PublishPolicy;
}

const ok = (structured: Record<string, unknown>, text?: string): CallToolResult => ({
  content: [{ type: 'text', text: text ?? JSON.stringify(structured) }],
  structuredContent: structured,
});

const fail = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

const PushResultShape = {
  id: z.string().describe('Event id; clients resume after it with Last-Event-ID'),
  timestamp: z.string().describe('ISO-8601 UTC time the server accepted the message'),
  channel: z.string(),
  type: MessageTypeSchema,
  priority: MessagePrioritySchema,
  clients: z.number().int().describe('Connected clients the message was sent to'),
};

const StatusShape = {
  clients: z.number().int(),
  channels: z.record(z.string(), z.number().int()).describe('Clients per channel filter; * = clients of every channel'),
  published: z.number().int(),
  delivered: z.number().int(),
  dropped: z.number().int(),
  evicted: z.number().int(),
  queuedBytes: z.number().int(),
  uptimeSeconds: z.number().int(),
  historySize: z.number().int(),
};

const MessageShape = z.object({
  id: z.string(),
  timestamp: z.string(),
  channel: z.string(),
  type: MessageTypeSchema,
  priority: MessagePrioritySchema,
  message: z.string().optional(),
  data: z.unknown().optional(),
});

const DEV_INSTRUCTIONS =
  " Run and watch the project's dev scripts: scripts_list, scripts_run, logs_search, errors_list; subscribe to logs://recent for updates.";

/** Builds the MCP server (tools over any transport: stdio now, Streamable HTTP later). */
export function createMcpServer(deps: McpDeps): McpServer {
  const { service } = deps;
  const where = deps.publicUrl ? ` Web clients listen at ${deps.publicUrl}/stream.` : '';
  const server = new McpServer(
    { name: 'webstream', version: deps.version ?? '0.0.0' },
    {
      capabilities: {
        tools: {},
        logging: {},
        ...(deps.dev ? { resources: { subscribe: true, listChanged: true } } : {}),
      },
      instructions: `Push real-time messages to web pages connected over Server-Sent Events.${where}${deps.dev ? DEV_INSTRUCTIONS : ''}`,
    },
  );

  server.registerTool(
    'push_stream',
    {
      title: 'Push a message to the live stream',
      description: `Send a message to every web client connected to the stream (or to one channel). Returns the event id, timestamp and how many clients it reached.${where}`,
      inputSchema: {
        message: z
          .string()
          .min(1, 'message must not be empty')
          .max(MAX_MESSAGE_LENGTH)
          .describe('The text to show; several lines are fine'),
        type: MessageTypeSchema.optional().describe('info (default), warning, error, success or custom'),
        channel: ChannelSchema.optional().describe(
          'Channel name (default "default"); clients may subscribe to channels',
        ),
        data: z.unknown().optional().describe('Optional structured JSON payload delivered with the message'),
        priority: MessagePrioritySchema.optional().describe(
          'low, normal (default) or high; high is never dropped for slow clients',
        ),
      },
      outputSchema: PushResultShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      const decision = deps.publishPolicy?.check(publisherOf(extra));
      if (decision && !decision.ok) return fail(decision.message);
      // Before the schema: its recursive JSON check would overflow the stack on deep input.
      if (exceedsJsonDepth(args.data, MAX_JSON_DEPTH)) {
        return fail(
          `invalid push_stream arguments: data nests objects/arrays more than ${MAX_JSON_DEPTH} levels deep (the limit); flatten it`,
        );
      }
      const input = PushInputSchema.safeParse(args);
      if (!input.success) {
        return fail(
          `invalid push_stream arguments: ${input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
        );
      }
      try {
        const result = await service.push(input.data);
        return ok(
          { ...result },
          `Pushed message ${result.id} to ${result.clients} client(s) on channel "${result.channel}" at ${result.timestamp}.`,
        );
      } catch (error) {
        return fail(`message not accepted: ${(error as Error).message}`);
      }
    },
  );

  server.registerTool(
    'stream_status',
    {
      title: 'Stream status',
      description: 'Connected clients (total and per channel), events published, delivered and dropped, and uptime.',
      inputSchema: {},
      outputSchema: StatusShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      const status = service.status();
      return ok({ ...status });
    },
  );

  server.registerTool(
    'stream_history',
    {
      title: 'Recent messages',
      description: 'The most recent messages pushed to the stream, oldest first, optionally for one channel.',
      inputSchema: {
        channel: ChannelSchema.optional().describe('Only this channel'),
        limit: z.number().int().min(1).max(100).optional().describe('How many (1-100, default 20)'),
      },
      outputSchema: { messages: z.array(MessageShape) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ channel, limit }) => ok({ messages: await service.history({ channel, limit }) }),
  );

  server.registerTool(
    'message_status',
    {
      title: 'Delivery and acknowledgements of a message',
      description: 'How many clients a pushed message reached and how many acknowledged it (POST /api/ack).',
      inputSchema: { id: z.string().min(1).describe('The id push_stream returned') },
      outputSchema: { id: z.string(), reached: z.number().int(), acknowledged: z.number().int() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id }) => {
      const status = service.messageStatus(id);
      return status
        ? ok({ ...status })
        : fail(`no message ${id} in the delivery records (too old, or never published)`);
    },
  );

  // logging/setLevel: this server serves one session, so one level; tools filter their log lines by it.
  let logLevel: LoggingLevel | undefined;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    logLevel = request.params.level;
    return {};
  });

  if (deps.dev) {
    registerDevTools(server, deps.dev, { logLevel: () => logLevel });
    const detach = attachDevSession(server, deps.dev, deps.onError);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      detach();
      previous?.();
    };
  }
  return server;
}

/** Requests whose params are checked before the SDK sees them (it would answer -32603 with a zod dump). */
const CHECKED_REQUESTS = new Map(
  [
    InitializeRequestSchema,
    PingRequestSchema,
    CallToolRequestSchema,
    ReadResourceRequestSchema,
    SubscribeRequestSchema,
    UnsubscribeRequestSchema,
    SetLevelRequestSchema,
    ListToolsRequestSchema,
    ListResourcesRequestSchema,
    ListResourceTemplatesRequestSchema,
  ].map((schema) => [schema.shape.method.value as string, schema] as const),
);

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
const EXPECTED: Record<string, string> = { record: 'an object', object: 'an object', array: 'an array' };

/** One line saying what is wrong with a request's params; `undefined` when they are fine. */
export function invalidParams(request: JSONRPCRequest): string | undefined {
  const result = CHECKED_REQUESTS.get(request.method)?.safeParse(request);
  if (!result || result.success) return undefined;
  const issue = result.error.issues[0];
  if (!issue) return `Invalid params for ${request.method}`;
  let value: unknown = request;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  const where = issue.path.length > 1 ? issue.path.slice(1).join('.') : 'params';
  let what: string;
  if (issue.code === 'invalid_type')
    what = `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`} (got ${kindOf(value)})`;
  else if (issue.code === 'invalid_value')
    what = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})`;
  else what = issue.message;
  return `Invalid params for ${request.method}: ${where} ${what}`;
}

/**
 * Connects a server from {@link createMcpServer} to a transport, answering requests with malformed
 * params (`"arguments": 5`, a bad log level...) with -32602 InvalidParams and a one-line message
 * before the SDK sees them.
 */
export async function connectMcpServer(server: McpServer, transport: Transport): Promise<void> {
  await server.connect(transport);
  const handle = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const problem = isJSONRPCRequest(message) ? invalidParams(message) : undefined;
    if (problem === undefined || !isJSONRPCRequest(message)) return handle?.(message, extra);
    transport
      .send({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidParams, message: problem } })
      .catch((error: unknown) => transport.onerror?.(error as Error));
  };
}
