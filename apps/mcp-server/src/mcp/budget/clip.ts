import { plainText } from '@ws/runner';

/** One line of plain text: ANSI escapes removed, line breaks and tabs as spaces, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = plainText(text)
    .replace(/[\r\n\t]+/g, ' ')
    // Other control characters (bells, backspaces) would only confuse a reader.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trimEnd();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** Cuts a string to `max` characters, saying how much was cut. */
export function clipString(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/**
 * A copy of a JSON-like value whose strings are at most `max` characters (so one huge line or stack
 * cannot take a whole answer). Arrays and objects are copied; depth is bounded by the input (our own
 * objects, a few levels deep).
 */
export function clipStrings<T>(value: T, max: number): T {
  if (typeof value === 'string') return clipString(value, max) as T;
  if (Array.isArray(value)) return value.map((v) => clipStrings(v, max)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clipStrings(v, max);
    return out as T;
  }
  return value;
}

/** `HH:MM:SS.mmm` (UTC) of an ISO time: enough to order lines within a session. */
export const clock = (iso: string): string => iso.slice(11, 23);
