import {
  CallToolRequestSchema,
  InitializeRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/core';
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpServer,
  ProtocolErrorCode,
  type Transport,
} from '@modelcontextprotocol/server';
import { RESOURCE_NOT_FOUND, RESOURCE_NOT_FOUND_MESSAGE } from './devProcessResources.js';

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

/** Answers a malformed request itself (true), or lets it through (false). */
function refuse(message: JSONRPCMessage, send: (m: JSONRPCMessage) => Promise<void>, onError: (e: Error) => void) {
  const problem = isJSONRPCRequest(message) ? invalidParams(message) : undefined;
  if (problem === undefined || !isJSONRPCRequest(message)) return false;
  send({ jsonrpc: '2.0', id: message.id, error: { code: ProtocolErrorCode.InvalidParams, message: problem } }).catch(
    (error: unknown) => onError(error as Error),
  );
  return true;
}

/**
 * The 2025 era's code for an unknown resource is -32002 (2025-11-25, Resources: Error Handling); the SDK
 * sends every resources/read miss as -32602 (the 2026-07-28 rule). A 2025-era connection gets -32002 back.
 */
function legacyCodes(message: JSONRPCMessage): JSONRPCMessage {
  const error = (message as { error?: { code: number; message: string } }).error;
  if (error?.code !== ProtocolErrorCode.InvalidParams || !error.message.startsWith(RESOURCE_NOT_FOUND_MESSAGE))
    return message;
  return { ...message, error: { ...error, code: RESOURCE_NOT_FOUND } } as JSONRPCMessage;
}

/**
 * Connects a server from {@link createMcpServer} to a 2025-era transport (a Streamable HTTP session):
 * requests with malformed params (`"arguments": 5`, a bad log level...) get -32602 InvalidParams and a
 * one-line message before the SDK sees them, and an unknown resource -32002.
 */
export async function connectMcpServer(server: McpServer, transport: Transport): Promise<void> {
  await server.connect(transport);
  const handle = transport.onmessage;
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(legacyCodes(message), options);
  transport.onmessage = (message, extra) => {
    if (!refuse(message, send, (e) => transport.onerror?.(e))) handle?.(message, extra);
  };
}

/**
 * A transport that guards another (stdio, under `serveStdio`, which owns the transport it is given):
 * malformed params answered as {@link connectMcpServer} does; on a connection whose era turns out
 * 2025 (it opened with `initialize`), unknown resources get -32002.
 */
export class GuardedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  #legacy: boolean | undefined;

  /** `closed` is told once the inner transport closes (after the SDK's own `onclose`). */
  constructor(
    readonly inner: Transport,
    readonly closed: () => void = () => undefined,
  ) {}

  start(): Promise<void> {
    this.inner.onclose = () => {
      this.onclose?.();
      this.closed();
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onmessage = (message, extra) => {
      if (this.#legacy === undefined && isJSONRPCRequest(message))
        this.#legacy = message.method === 'initialize' || !hasEnvelope(message);
      if (
        !refuse(
          message,
          (m) => this.inner.send(m),
          (e) => this.onerror?.(e),
        )
      )
        this.onmessage?.(message, extra);
    };
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]): Promise<void> {
    return this.inner.send(this.#legacy ? legacyCodes(message) : message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Whether a request carries the 2026-07-28 `_meta` envelope (its protocol version). */
const hasEnvelope = (request: JSONRPCRequest) =>
  typeof (request.params?._meta as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/protocolVersion'] ===
  'string';
