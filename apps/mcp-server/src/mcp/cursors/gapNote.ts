import type { GapReason } from '@ws/sse-core';
import { timeOfId } from './cursor.js';

/** What a read answer says when the cursor's position is no longer in the event log. */
export interface GapNote {
  reason: GapReason;
  /** The cursor's position and when it was. */
  cursorId: string;
  cursorTime: string | undefined;
  /** The oldest entry the log still holds (where the answer resumes), when it holds any. */
  resumedFromId: string | undefined;
  resumedFromTime: string | undefined;
  /** How many entries are gone, when known (the log's ids do not say; null then). */
  missed: number | null;
  /** The same in one sentence, for the text answer. */
  text: string;
}

/**
 * The explicit "some entries are gone" note of a cursor the event log cannot place: `expired` (the
 * log, bounded by `--history-size`, has dropped the entries after it) or `unknown` (not from this
 * log: another deployment, a memory log of a restarted server, a flushed Redis key).
 */
export function gapNote(reason: GapReason, cursorId: string, oldestId: string | undefined): GapNote {
  const cursorTime = timeOfId(cursorId);
  const resumedFromTime = oldestId === undefined ? undefined : timeOfId(oldestId);
  const from = resumedFromTime ? `from the oldest entry still held (${resumedFromTime})` : 'with nothing held yet';
  const text =
    reason === 'expired'
      ? `Some entries are gone: the event log no longer holds the entries between your cursor (${cursorTime}) and ${resumedFromTime ?? 'now'} (it keeps the newest --history-size events, --redis-max-len with --redis); how many is not known. Continuing ${from}.`
      : `Some entries may be gone: your cursor (${cursorTime ?? cursorId}) is not from this server's event log (a restarted server without --redis, another deployment, or a flushed store). Continuing ${from}.`;
  return {
    reason,
    cursorId,
    cursorTime,
    resumedFromId: oldestId,
    resumedFromTime,
    missed: null,
    text,
  };
}
