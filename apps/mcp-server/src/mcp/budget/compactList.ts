import { type Budget, budgetOf } from './budget.js';
import { collapse, fitRows, type Row, shownItem, shownLine } from './rows.js';

/** Bytes kept for the list's summary line. */
const FRAME_BYTES = 400;

/**
 * A list answer within the budget (for the search tools, which have no cursor): the newest rows that
 * fit, duplicates collapsed, one line each after a summary; the shown items' full objects; how many
 * items were left out.
 */
export function compactList<T>(
  rows: readonly Row<T>[],
  args: { limit?: number | undefined; verbose?: boolean | undefined },
  noun: string,
): { text: string; items: unknown[]; omitted: number } {
  const budget: Budget = budgetOf(args);
  const fitted = fitRows(collapse(rows), budget, budget.maxBytes - FRAME_BYTES, true);
  const total = rows.length;
  const summary =
    fitted.omittedItems > 0
      ? `${total} ${noun}(s) found; the newest ${total - fitted.omittedItems} shown (${budget.maxBytes} bytes at most; verbose: true for more), oldest first.`
      : `${total} ${noun}(s) found, oldest first.`;
  return {
    text: [summary, ...fitted.rows.map((r) => shownLine(r, budget))].join('\n'),
    items: fitted.rows.map((r) => shownItem(r, budget)),
    omitted: fitted.omittedItems,
  };
}
