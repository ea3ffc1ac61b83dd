/** Shifted slots past which the queue compacts (when they are also at least half the array). */
const COMPACT_AFTER = 1024;

/**
 * A FIFO of frames with amortized O(1) `shift`. Shifted slots are released by compaction, so a
 * queue that drops from its head forever (a stalled client) never accumulates them.
 */
export class FrameQueue {
  #items: (Uint8Array | undefined)[] = [];
  #head = 0;

  /** Frames queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Array slots held, shifted ones included: stays within about twice `length` (plus 1024). */
  get slots(): number {
    return this.#items.length;
  }

  push(frame: Uint8Array): void {
    this.#items.push(frame);
  }

  /** The oldest frame, or `undefined` when empty. */
  peek(): Uint8Array | undefined {
    return this.#items[this.#head];
  }

  shift(): Uint8Array | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const frame = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return frame;
  }

  /** Removes and returns every frame, oldest first. */
  take(): Uint8Array[] {
    const out = (this.#head === 0 ? this.#items : this.#items.slice(this.#head)) as Uint8Array[];
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
