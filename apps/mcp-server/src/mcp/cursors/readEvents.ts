import type { StreamMessage } from '@ws/events';
import type { StreamApi } from '../../api/webstreamApi.js';
import { type Budget, budgetOf } from '../budget/budget.js';
import { collapse, type Fitted, fitRows, type Row, shownItem, shownLine } from '../budget/rows.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type GapNote, gapNote } from './gapNote.js';

/** The arguments every read tool takes. */
export interface ReadArgs {
  cursor?: string | undefined;
  limit?: number | undefined;
  verbose?: boolean | undefined;
  /** Page forward from the cursor (oldest new items first) instead of showing the newest. */
  oldest?: boolean | undefined;
}

/** What one event-log tool reads: which events are its items, and how each one shows. */
export interface EventTwin<T> {
  /** What one item is called in the text (`log line`). */
  noun: string;
  /** The row of one event, or `undefined` when the event is not this tool's (or does not match its filter). */
  row(message: StreamMessage): Row<T> | undefined;
}

/** A read tool's answer: the text and the structured content, or a message saying what to fix. */
export type ReadAnswer =
  | { ok: true; text: string; structured: Record<string, unknown> }
  | { ok: false; message: string };

/** The position before every event: a cursor at it reads the whole log. */
export const LOG_START = '0-0';
/** Bytes kept for the answer's header, footer, gap note and cursor. */
const FRAME_BYTES = 1200;

/** Where a read starts: after the cursor's event, or (no cursor) at the newest entries. */
function startOf(cursor: string | undefined): { ok: true; after?: string } | { ok: false; message: string } {
  if (cursor === undefined) return { ok: true };
  const decoded = decodeCursor(cursor);
  if (!decoded.ok) return decoded;
  if (decoded.cursor.kind !== 'event')
    return {
      ok: false,
      message: 'this cursor is from scripts_read; pass the cursor this tool returned last time, or none',
    };
  return { ok: true, after: decoded.cursor.id };
}

/**
 * Reads what is new in the event log since `args.cursor` (or, without one, the newest entries) as one
 * tool's items: matched, consecutive duplicates collapsed, fitted to the budget, with the cursor to pass
 * back and, when the cursor's position is gone from the log, an explicit gap note.
 */
export async function readEvents<T>(
  stream: StreamApi,
  twin: EventTwin<T>,
  args: ReadArgs,
  header = '',
): Promise<ReadAnswer> {
  const start = startOf(args.cursor);
  if (!start.ok) return start;
  const page = await stream.events(start.after === undefined ? {} : { after: start.after });
  if (!page.ok) return { ok: false, message: page.message };
  const { events } = page.value;
  const reason = start.after === LOG_START && page.value.gap === 'unknown' ? undefined : page.value.gap;
  const gap = reason && start.after !== undefined ? gapNote(reason, start.after, events[0]?.id) : undefined;
  const rows = collapse(events.flatMap((e) => twin.row(e) ?? []));
  const budget = budgetOf(args);
  const newest = !args.oldest || start.after === undefined;
  const fitted = fitRows(rows, budget, budget.maxBytes - FRAME_BYTES - Buffer.byteLength(header), newest);
  const more = !newest && fitted.omittedRows > 0;
  // Nothing held after a cursor the log cannot place: start over from the log's start (the note was given once).
  const lastId = more ? fitted.rows.at(-1)?.lastId : (events.at(-1)?.id ?? (gap ? LOG_START : start.after));
  const cursor = encodeCursor({ kind: 'event', id: lastId ?? LOG_START });
  return {
    ok: true,
    ...answer(twin.noun, rows, fitted, { budget, cursor, gap, more, since: start.after !== undefined, header }),
  };
}

interface Framing {
  budget: Budget;
  cursor: string;
  gap: GapNote | undefined;
  more: boolean;
  since: boolean;
  header: string;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The text and structured content of a read. */
function answer<T>(noun: string, all: readonly Row<T>[], fitted: Fitted<T>, f: Framing) {
  const total = all.reduce((n, r) => n + r.count, 0);
  const shownItems = total - fitted.omittedItems;
  const which = shownItems === total ? 'all' : `the ${f.more ? 'oldest' : 'newest'} ${shownItems}`;
  const summary = f.since
    ? `${plural(total, noun)} new since the cursor; ${which} shown, oldest first.`
    : `${plural(total, noun)} held; ${which} shown, oldest first.`;
  const lines = [
    ...(f.gap ? [f.gap.text] : []),
    ...(f.header ? [f.header] : []),
    summary,
    ...fitted.rows.map((r) => shownLine(r, f.budget)),
  ];
  if (fitted.omittedItems > 0)
    lines.push(
      f.more
        ? `${plural(fitted.omittedItems, noun)} more after these: call again with this cursor (and oldest: true) for the next page.`
        : `${plural(fitted.omittedItems, `earlier ${noun}`)} not shown (limit ${f.budget.limit}, ${f.budget.maxBytes} bytes): pass oldest: true with the ${f.since ? 'same cursor' : 'cursor below'} to page through them, or a larger limit / verbose: true.`,
    );
  lines.push(`cursor: ${f.cursor} (pass it back as cursor to get only what is newer)`);
  const structured: Record<string, unknown> = {
    cursor: f.cursor,
    total,
    shown: shownItems,
    omitted: fitted.omittedItems,
    more: f.more,
    items: fitted.rows.map((r) => shownItem(r, f.budget)),
    ...(f.gap ? { gap: f.gap } : {}),
  };
  return { text: lines.join('\n'), structured };
}
