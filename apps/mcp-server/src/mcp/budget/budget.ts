/** How much one answer of a read tool may hold: items, bytes, characters per line and per field. */
export interface Budget {
  /** Items (rows after duplicates are collapsed) at most. */
  limit: number;
  /** Bytes of the whole answer at most: the text plus the JSON of `structuredContent`. */
  maxBytes: number;
  /** Characters of one text line at most (longer ones end with `…`). */
  lineChars: number;
  /** Characters of one string field of a structured item at most. */
  fieldChars: number;
}

/** Rows by default. */
export const DEFAULT_READ_LIMIT = 50;
/** Rows a caller may ask for at most. */
export const MAX_READ_LIMIT = 1000;
/** Bytes of an answer by default (about 4,000 tokens). */
export const DEFAULT_READ_BYTES = 16_384;
/** Bytes of an answer with `verbose: true`. */
export const VERBOSE_READ_BYTES = 131_072;

const DEFAULT_BUDGET: Budget = {
  limit: DEFAULT_READ_LIMIT,
  maxBytes: DEFAULT_READ_BYTES,
  lineChars: 200,
  fieldChars: 1000,
};
const VERBOSE_BUDGET: Budget = {
  limit: 200,
  maxBytes: VERBOSE_READ_BYTES,
  lineChars: 2000,
  fieldChars: 16_000,
};

/** The budget of one call: the defaults, or the verbose ones; `limit` overrides the row count. */
export function budgetOf(args: { limit?: number | undefined; verbose?: boolean | undefined }): Budget {
  const base = args.verbose ? VERBOSE_BUDGET : DEFAULT_BUDGET;
  return args.limit === undefined ? base : { ...base, limit: Math.min(MAX_READ_LIMIT, Math.max(1, args.limit)) };
}

/** The sentence every read tool's description ends with: its default sizes. */
export const BUDGET_NOTE = `Answers are compact: one line per item, repeated lines collapsed with a count (×N), ANSI colours removed; by default at most ${DEFAULT_READ_LIMIT} items and ${DEFAULT_READ_BYTES / 1024} KiB (text and structuredContent together), lines cut at ${DEFAULT_BUDGET.lineChars} characters. limit (1-${MAX_READ_LIMIT}) and verbose: true (${VERBOSE_BUDGET.limit} items, ${VERBOSE_READ_BYTES / 1024} KiB, ${VERBOSE_BUDGET.lineChars}-character lines) ask for more.`;
