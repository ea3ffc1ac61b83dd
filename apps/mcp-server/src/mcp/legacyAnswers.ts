import { isJSONRPCRequest, type JSONRPCMessage, ProtocolErrorCode, type RequestId } from '@modelcontextprotocol/server';
import { RESOURCE_NOT_FOUND, RESOURCE_NOT_FOUND_MESSAGE } from './devProcessResources.js';

/** Most `tools/call` requests awaiting their answer that one connection tracks (the oldest is forgotten). */
const MAX_PENDING_CALLS = 1000;
const UNKNOWN_TOOL = /^Tool [\s\S]+ (not found|disabled)$/;

type ErrorAnswer = { id: RequestId; error: { code: number; message: string } };

/**
 * Answers as the 2025 era got them from this server before the SDK v2, where v2 changed them:
 * - an unknown resource: -32002 (2025-11-25, Resources: Error Handling), where v2 sends -32602 (the
 *   2026-07-28 rule, SEP-2164);
 * - `tools/call` of an unknown or disabled tool: an `isError` result saying so, where v2 sends a -32602
 *   error.
 * Only 2025-era connections use it; 2026-07-28 answers are the SDK's.
 */
export class LegacyAnswers {
  readonly #calls = new Set<RequestId>();

  /** Notes an inbound message (which requests are `tools/call`). */
  inbound(message: JSONRPCMessage): void {
    if (!isJSONRPCRequest(message) || message.method !== 'tools/call') return;
    this.#calls.add(message.id);
    if (this.#calls.size > MAX_PENDING_CALLS) this.#calls.delete(this.#calls.values().next().value as RequestId);
  }

  /** The outbound message as the 2025 era gets it. */
  outbound(message: JSONRPCMessage): JSONRPCMessage {
    const answer = message as Partial<ErrorAnswer>;
    if (answer.id === undefined) return message;
    const call = this.#calls.delete(answer.id);
    const error = answer.error;
    if (error?.code !== ProtocolErrorCode.InvalidParams) return message;
    if (error.message.startsWith(RESOURCE_NOT_FOUND_MESSAGE))
      return { ...message, error: { ...error, code: RESOURCE_NOT_FOUND } } as JSONRPCMessage;
    if (call && UNKNOWN_TOOL.test(error.message))
      return {
        jsonrpc: '2.0',
        id: answer.id,
        result: { content: [{ type: 'text', text: `MCP error ${error.code}: ${error.message}` }], isError: true },
      };
    return message;
  }
}
