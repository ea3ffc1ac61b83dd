import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  InitializeRequestSchema,
  isJSONRPCRequest,
  type JSONRPCRequest,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

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
    ListPromptsRequestSchema,
    GetPromptRequestSchema,
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
