/** Shifted slots past which the queue compacts (when they are also at least half the array). */
const COMPACT_AFTER = 1024;

/**
 * A FIFO with amortized O(1) `shift`. Shifted slots are released by compaction, so a queue that
 * drops from its head forever (a stalled client) never accumulates them.
 */
export class FrameQueue<T = Uint8Array> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Items queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Array slots held, shifted ones included: stays within about twice `length` (plus 1024). */
  get slots(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** The newest item, or `undefined` when empty. */
  last(): T | undefined {
    return this.#items.length > this.#head ? this.#items[this.#items.length - 1] : undefined;
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  take(): T[] {
    const out = (this.#head === 0 ? this.#items : this.#items.slice(this.#head)) as T[];
    this.#items = [];
    this.#head = 0;
    return out;
  }

  /** Removes every item. */
  clear(): void {
    // A fresh array: cheaper than truncating (`length = 0`), and nothing to do when already empty.
    if (this.#items.length !== 0) this.#items = [];
    this.#head = 0;
  }
}
