/** Longest search pattern accepted. */
export const MAX_PATTERN_LENGTH = 500;

/** A search pattern as a case-insensitive RegExp, or a message saying what is wrong with it. */
export function compilePattern(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`;
  }
}
