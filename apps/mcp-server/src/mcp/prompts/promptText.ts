import type { LogEntry } from '@ws/events';
import { clock, oneLine } from '../budget/clip.js';

/** Characters of one log line in a prompt. */
export const PROMPT_LINE_CHARS = 300;

/** Log lines as a prompt shows them: one per line, time, process, text (ANSI removed, cut). */
export const logBlock = (lines: readonly LogEntry[]): string =>
  lines.length === 0
    ? '(no log lines)'
    : lines.map((l) => `${clock(l.timestamp)} [${l.processName}] ${oneLine(l.content, PROMPT_LINE_CHARS)}`).join('\n');

/** A prompt's answer: one user message of text (the MCP prompt message shape). */
export function userPrompt(description: string, text: string) {
  return { description, messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
}

/** The lines around the one at `index`: `before` lines before it, it, `after` after. */
export const around = <T>(items: readonly T[], index: number, before: number, after: number): T[] =>
  items.slice(Math.max(0, index - before), index + after + 1);

/** JSON-RPC error code of a prompt that cannot be built now (the server's generic error range, as resources use). */
const PROMPT_UNAVAILABLE = -32000;

/** The error a prompt throws when what it reads is unavailable (the SDK answers with this code and message). */
export const notNow = (message: string) =>
  Object.assign(new Error(`prompt not available now: ${message}`), { code: PROMPT_UNAVAILABLE });
