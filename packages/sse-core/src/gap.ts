import type { GapReason } from './bus.js';
import { GAP_EVENT } from './event.js';
import { encodeFrame, formatEvent } from './frame.js';

/**
 * The `data` of a `gap` event, one of:
 * - `{"reason":"expired","lastEventId":"…"}`: the resume id is older than the history retains;
 * - `{"reason":"unknown","lastEventId":"…"}`: the resume id was never issued by this history;
 * - `{"reason":"overflow","missed":N,"firstId":"…","lastId":"…"}`: N events of this subscription, with
 *   ids from `firstId` to `lastId` inclusive, were dropped from a slow client's queue, at exactly this
 *   place in the stream. They are still in history if it retains them: resuming from the id before
 *   the gap replays them;
 * - `{"reason":"unrenderable","missed":1,"firstId":"…","lastId":"…","message":"…"}`: this event's
 *   formatter threw, so it cannot be sent in this subscription's format. This gap carries the
 *   event's own `id`, so the client moves past it (resuming would meet the same error).
 */
export type GapDetail =
  | { reason: GapReason; lastEventId: string }
  | { reason: 'overflow'; missed: number; firstId: string; lastId: string }
  | { reason: 'unrenderable'; missed: 1; firstId: string; lastId: string; message: string };

/** Frame of the gap signal. Not given an `id`, so the client's last event id is unchanged. */
export function gapFrame(detail: GapDetail): Uint8Array {
  return encodeFrame(formatEvent({ event: GAP_EVENT, data: JSON.stringify(detail) }));
}

/** The gap that stands, with the event's id, in place of an event its formatter could not render. */
export function unrenderableFrame(id: string, error: unknown): Uint8Array {
  const message = error instanceof Error ? error.message : String(error);
  const detail: GapDetail = { reason: 'unrenderable', missed: 1, firstId: id, lastId: id, message };
  return encodeFrame(formatEvent({ id, event: GAP_EVENT, data: JSON.stringify(detail) }));
}

/** A run of consecutive events dropped from one subscriber's queue; sent as one `gap` event where they were. */
export class DroppedRun {
  /** Events in the run. */
  missed = 1;
  /** Id of the first dropped event. */
  readonly firstId: string;
  /** Id of the last dropped event. */
  lastId: string;

  constructor(id: string) {
    this.firstId = id;
    this.lastId = id;
  }

  /** Adds the next dropped event (its id is greater than every id already in the run). */
  extend(id: string): void {
    this.missed++;
    this.lastId = id;
  }

  frame(): Uint8Array {
    return gapFrame({ reason: 'overflow', missed: this.missed, firstId: this.firstId, lastId: this.lastId });
  }
}
