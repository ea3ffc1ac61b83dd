import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  InitializeRequestSchema,
  ListPromptsRequestSchema,
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
import { LegacyAnswers } from './legacyAnswers.js';

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
 * Connects a server from {@link createMcpServer} to a 2025-era transport (a Streamable HTTP session):
 * requests with malformed params (`"arguments": 5`, a bad log level...) get -32602 InvalidParams and a
 * one-line message before the SDK sees them, and answers the SDK v2 changed are as before
 * ({@link LegacyAnswers}).
 */
export async function connectMcpServer(server: McpServer, transport: Transport): Promise<void> {
  await server.connect(transport);
  const handle = transport.onmessage;
  const send = transport.send.bind(transport);
  const legacy = new LegacyAnswers();
  transport.send = (message, options) => send(legacy.outbound(message), options);
  transport.onmessage = (message, extra) => {
    legacy.inbound(message);
    if (!refuse(message, send, (e) => transport.onerror?.(e))) handle?.(message, extra);
  };
}

/**
 * A transport that guards another (stdio, under `serveStdio`, which owns the transport it is given):
 * malformed params answered as {@link connectMcpServer} does; a connection whose era turns out 2025
 * (it opened with `initialize`) gets the answers of {@link LegacyAnswers}.
 */
export class GuardedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  #legacy: LegacyAnswers | undefined;
  #era: 'legacy' | 'modern' | undefined;

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
      // The era is the opening's (a discover probe may still fall back to `initialize`).
      if (isJSONRPCRequest(message) && (message.method === 'initialize' || this.#era === undefined)) {
        this.#era = message.method === 'initialize' || !hasEnvelope(message) ? 'legacy' : 'modern';
        this.#legacy = this.#era === 'legacy' ? (this.#legacy ?? new LegacyAnswers()) : undefined;
      }
      this.#legacy?.inbound(message);
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
    return this.inner.send(this.#legacy ? this.#legacy.outbound(message) : message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Whether a request carries the 2026-07-28 `_meta` envelope (its protocol version). */
const hasEnvelope = (request: JSONRPCRequest) =>
  typeof (request.params?._meta as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/protocolVersion'] ===
  'string';
