import type { Budget } from './budget.js';
import { clipStrings, oneLine } from './clip.js';

/** One item of a read answer: its compact line, its full object, and the event-log ids it spans. */
export interface Row<T> {
  /** What makes two consecutive rows the same (they are collapsed into one with a count). */
  key: string;
  /** The compact text line (without the count). */
  line: string;
  item: T;
  /** Event-log id of the first and the last item this row stands for. */
  firstId: string;
  lastId: string;
  /** Items this row stands for (consecutive duplicates). */
  count: number;
}

/** A row for one item. */
export const rowOf = <T>(id: string, key: string, line: string, item: T): Row<T> => ({
  key,
  line,
  item,
  firstId: id,
  lastId: id,
  count: 1,
});

/** Merges consecutive rows with the same key into the first, counting them (`line (×N)` when shown). */
export function collapse<T>(rows: readonly Row<T>[]): Row<T>[] {
  const out: Row<T>[] = [];
  for (const row of rows) {
    const last = out.at(-1);
    if (last && last.key === row.key) {
      last.count += row.count;
      last.lastId = row.lastId;
    } else out.push({ ...row });
  }
  return out;
}

/** A row as shown: its line cut to the budget, with the count of repeats. */
export const shownLine = (row: Row<unknown>, budget: Budget): string =>
  `${oneLine(row.line, budget.lineChars)}${row.count > 1 ? ` (×${row.count})` : ''}`;

/** A row's structured item: the full object, its strings clipped, with the count when repeated. */
export function shownItem<T>(row: Row<T>, budget: Budget): unknown {
  const item = clipStrings(row.item, budget.fieldChars);
  return row.count > 1 && item !== null && typeof item === 'object' ? { ...item, count: row.count } : item;
}

/** What {@link fitRows} chose. */
export interface Fitted<T> {
  rows: Row<T>[];
  /** Items (not rows) left out, before the shown rows (`newest`) or after them (`oldest`). */
  omittedItems: number;
  /** Rows left out. */
  omittedRows: number;
}

/**
 * Chooses the rows that fit: at most `budget.limit`, and within `bytes` (each row costs its line and its
 * structured JSON). `newest` keeps the newest rows (the tail), else the oldest (a page to continue from).
 * The shown rows are returned oldest first. At least one row is shown when there is one: a clipped row
 * always fits the budget.
 */
export function fitRows<T>(rows: readonly Row<T>[], budget: Budget, bytes: number, newest: boolean): Fitted<T> {
  const order = newest ? [...rows].reverse() : rows;
  const chosen: Row<T>[] = [];
  let used = 0;
  for (const row of order) {
    if (chosen.length >= budget.limit) break;
    const cost =
      Buffer.byteLength(shownLine(row, budget)) + Buffer.byteLength(JSON.stringify(shownItem(row, budget))) + 2;
    if (chosen.length > 0 && used + cost > bytes) break;
    chosen.push(row);
    used += cost;
  }
  const shown = newest ? chosen.reverse() : chosen;
  const omittedRows = rows.length - shown.length;
  const omitted = newest ? rows.slice(0, omittedRows) : rows.slice(shown.length);
  return { rows: shown, omittedRows, omittedItems: omitted.reduce((n, r) => n + r.count, 0) };
}
