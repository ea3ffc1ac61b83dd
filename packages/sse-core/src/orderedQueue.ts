import { frameId, joinFrames } from './frame.js';
import { FrameQueue } from './frameQueue.js';
import { DroppedRun } from './gap.js';

/**
 * One subscriber's pending event frames, strictly in id order, with dropped runs kept as markers in place.
 *
 * Dropping removes the oldest normal-priority frame and leaves a {@link DroppedRun} where it was (merged
 * with the run just before it), so the client later reads a `gap` event exactly where the missing ids
 * would have been. High-priority frames are never dropped here. Markers are bounded: two runs are
 * always separated by a kept high frame, so there are at most (high frames + 1) of them.
 *
 * Every frame must start with its `id:` line (the hub's frames do): a dropped frame's id is read back
 * from it, so the hot path stores nothing but the frame.
 *
 * Layout: `#settled` holds only high frames and markers (everything before the oldest normal frame);
 * `#tail` starts with a normal frame, and `#highs` holds the positions of the high frames in it
 * (positions count pushes to the tail). A drop takes the tail's first frame and moves the high
 * frames right behind it to `#settled`, so each frame moves at most once.
 */
export class OrderedQueue {
  // Made on first use and dropped when emptied: most connections rarely queue a high frame or drop one.
  #settledQueue: FrameQueue<Uint8Array | DroppedRun> | undefined;
  readonly #tail = new FrameQueue<Uint8Array>();
  #highsQueue: FrameQueue<number> | undefined;
  /** Position of the tail's first frame, and of the next frame pushed to it. */
  #front = 0;
  #next = 0;
  #bytes = 0;
  #count = 0;
  #runs = 0;

  get #settled(): FrameQueue<Uint8Array | DroppedRun> {
    this.#settledQueue ??= new FrameQueue();
    return this.#settledQueue;
  }

  get #highs(): FrameQueue<number> {
    this.#highsQueue ??= new FrameQueue();
    return this.#highsQueue;
  }

  /** Bytes of the queued event frames (markers are rendered only when taken). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Event frames queued. */
  get frames(): number {
    return this.#count;
  }

  /** Dropped-run markers queued. */
  get runs(): number {
    return this.#runs;
  }

  /** Appends an event frame; its id must be greater than every id queued or dropped so far. */
  push(frame: Uint8Array, high: boolean): void {
    if (high && this.#tail.length === 0) this.#settled.push(frame);
    else {
      if (high) this.#highs.push(this.#next);
      this.#tail.push(frame);
      this.#next++;
    }
    this.#bytes += frame.byteLength;
    this.#count++;
  }

  /** Drops the oldest normal-priority frame; returns its size, or 0 when none is queued. */
  dropOldestNormal(): number {
    const frame = this.#tail.shift();
    if (frame === undefined) return 0;
    this.#front++;
    this.#markDropped(frameId(frame) as string);
    while (this.#highsQueue !== undefined && this.#highsQueue.peek() === this.#front) {
      this.#highs.shift();
      this.#settled.push(this.#tail.shift() as Uint8Array);
      this.#front++;
    }
    this.#bytes -= frame.byteLength;
    this.#count--;
    return frame.byteLength;
  }

  /**
   * Records an event that never got in (no room even with every normal frame dropped): it joins
   * the run at the end of the queue. Only valid when no normal frame is queued.
   */
  dropIncoming(id: string): void {
    this.#markDropped(id);
  }

  #markDropped(id: string): void {
    const last = this.#settled.last();
    if (last instanceof DroppedRun) last.extend(id);
    else {
      this.#settled.push(new DroppedRun(id));
      this.#runs++;
    }
  }

  /** Removes everything and returns it as one chunk, markers rendered as `gap` events in place; `undefined` when empty. */
  take(): Uint8Array | undefined {
    if (this.#count === 0 && this.#runs === 0) return undefined;
    let parts: Uint8Array[];
    let total = this.#bytes;
    if (this.#settledQueue === undefined || this.#settledQueue.length === 0) {
      parts = this.#tail.take();
    } else {
      parts = [];
      for (const item of this.#settled.take()) {
        if (item instanceof DroppedRun) {
          const gap = item.frame();
          total += gap.byteLength;
          parts.push(gap);
        } else parts.push(item);
      }
      for (const frame of this.#tail.take()) parts.push(frame);
    }
    this.clear();
    return parts.length === 1 ? parts[0] : joinFrames(parts, total);
  }

  /** Forgets everything queued (the parts made on first use go too: an idle connection keeps only the tail). */
  clear(): void {
    this.#settledQueue = undefined;
    this.#tail.clear();
    this.#highsQueue = undefined;
    this.#front = 0;
    this.#next = 0;
    this.#bytes = 0;
    this.#count = 0;
    this.#runs = 0;
  }
}
