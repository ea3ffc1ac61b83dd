import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Outcome } from '../api/webstreamApi.js';

/** A successful tool result: the structured content, and a text for clients that read only text. */
export function ok(structured: Record<string, unknown>, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(structured) }], structuredContent: structured };
}

/** A failed tool result (`isError`) whose text says what to fix. */
export function fail(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** The tool result of an API outcome: `describe` turns a value into the structured result (and text). */
export function fromOutcome<T>(
  outcome: Outcome<T>,
  describe: (value: T) => { structured: Record<string, unknown>; text?: string },
): CallToolResult {
  if (!outcome.ok) return fail(outcome.message);
  const { structured, text } = describe(outcome.value);
  return ok(structured, text);
}

/** Tool annotations of a tool that only reads. */
export const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;
