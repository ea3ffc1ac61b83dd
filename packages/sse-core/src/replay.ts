import type { HubEvent } from './event.js';
import { REPLAYED_EVENT } from './event.js';
import { concatFrames, encodeFrame, formatEvent } from './frame.js';

/** Bytes of replay written per slice, so a long replay honours backpressure too. */
export const REPLAY_SLICE_BYTES = 64 * 1024;

/**
 * The replay of one resuming connection, a small state machine:
 *
 * 1. `waiting`: the history has not answered yet; live events are held here (`hold`), in order.
 * 2. `writing`: the history answered (`start`); the optional gap frame, then the replayed events in
 *    slices of {@link REPLAY_SLICE_BYTES} (`takeGap`, `nextSlice`), then the `replayed` marker (`finish`) are
 *    written before anything queued live. The held events go back to the connection's queue.
 * 3. `done`: only the floor is left: a live event whose id is not newer than the last replayed one
 *    is a duplicate (a remote bus may deliver an event live after it appeared in the replay);
 *    the first newer id clears the floor, and the connection drops this object.
 */
export class Replay {
  phase: 'waiting' | 'writing' | 'done' = 'waiting';
  #heldEvents: HubEvent[] = [];
  #heldFrames: Uint8Array[] = [];
  #heldBytes = 0;
  #events: readonly HubEvent[] = [];
  #pos = 0;
  #gap: Uint8Array | undefined;
  #floor: string | undefined;

  /** Bytes of the live events held while waiting. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Whether nothing is left to do: the replay is written and no duplicate can come any more. */
  get finished(): boolean {
    return this.phase === 'done' && this.#floor === undefined;
  }

  /** Holds a live event (and its frame) that arrived while waiting; returns the bytes held in all. */
  hold(event: HubEvent, frame: Uint8Array): number {
    this.#heldEvents.push(event);
    this.#heldFrames.push(frame);
    this.#heldBytes += frame.byteLength;
    return this.#heldBytes;
  }

  /**
   * The history answered with `events` (unfiltered; `matches` filters them) and maybe a gap frame.
   * Sets the floor to the newest replayed id and hands back the held live events, to be queued in
   * order (through {@link isDuplicate}).
   */
  start(
    events: readonly HubEvent[],
    gap: Uint8Array | undefined,
    matches: (event: HubEvent) => boolean,
  ): { events: HubEvent[]; frames: Uint8Array[] } {
    const held = { events: this.#heldEvents, frames: this.#heldFrames };
    this.#heldEvents = [];
    this.#heldFrames = [];
    this.#heldBytes = 0;
    this.#events = events.filter(matches);
    this.#floor = events.at(-1)?.id;
    this.#gap = gap;
    // Always 'writing', even with nothing to replay: the replay ends with the `replayed` marker.
    this.phase = 'writing';
    return held;
  }

  /** Whether a live event with `id` was already replayed; the first newer id ends the check for good. */
  isDuplicate(id: string, compareIds: (a: string, b: string) => number): boolean {
    if (this.#floor === undefined) return false;
    if (compareIds(id, this.#floor) <= 0) return true;
    this.#floor = undefined;
    return false;
  }

  /** The gap frame to write before the replayed events, once; `undefined` when there is none (left). */
  takeGap(): Uint8Array | undefined {
    const gap = this.#gap;
    this.#gap = undefined;
    return gap;
  }

  /** The next slice of replayed frames as one chunk, and how many frames it holds; `undefined` once all are taken. */
  nextSlice(render: (event: HubEvent) => Uint8Array): { chunk: Uint8Array; frames: number } | undefined {
    if (this.#pos >= this.#events.length) return undefined;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (this.#pos < this.#events.length && total < REPLAY_SLICE_BYTES) {
      const frame = render(this.#events[this.#pos++] as HubEvent);
      parts.push(frame);
      total += frame.byteLength;
    }
    const chunk = parts.length === 1 ? (parts[0] as Uint8Array) : concatFrames(parts, total);
    return { chunk, frames: parts.length };
  }

  /** Ends the writing phase: the `replayed` marker `{"count":N}` to write last. */
  finish(): Uint8Array {
    const count = this.#events.length;
    this.#events = [];
    this.phase = 'done';
    return encodeFrame(formatEvent({ event: REPLAYED_EVENT, data: JSON.stringify({ count }) }));
  }

  /** Forgets everything (the connection closed). */
  clear(): void {
    this.#heldEvents = [];
    this.#heldFrames = [];
    this.#heldBytes = 0;
    this.#events = [];
    this.#gap = undefined;
  }
}
