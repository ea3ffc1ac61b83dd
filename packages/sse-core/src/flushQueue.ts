/** What the flush queue writes: a connection with frames queued for the end of the tick. */
export interface Flushable {
  /** Writes what is queued; called once per time the connection was queued. */
  flushScheduled(): void;
}

/** How often the clock is read while flushing: every this many connections. */
const CLOCK_EVERY = 32;

/**
 * The connections waiting for their end-of-tick write, in the order they were queued (each at most
 * once: a connection is queued again only after its turn came). {@link FlushQueue.run} writes them
 * for at most `sliceMs` and then yields to I/O: the rest go first on the next turn, each with what
 * was queued for it meanwhile. Under load this is what batches frames: a connection reached every
 * few turns gets every frame of those turns in one write; when idle, a turn writes everything.
 */
export class FlushQueue<T extends Flushable> {
  readonly #sliceMs: number | null;
  #items: T[] = [];
  #head = 0;
  #pending = false;
  readonly #run = (): void => this.run();

  /** @param sliceMs longest write time per turn; `null`: every queued connection in one turn. */
  constructor(sliceMs: number | null) {
    this.#sliceMs = sliceMs;
  }

  /** Connections waiting (bounded by the connections of the hub: each is queued at most once). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Queues `item` (the caller guarantees it is not queued already) and arranges a run after I/O. */
  push(item: T): void {
    this.#items.push(item);
    if (!this.#pending) {
      this.#pending = true;
      setImmediate(this.#run);
    }
  }

  /** Writes queued connections in order until the slice is used up; schedules itself for the rest. */
  run(): void {
    this.#pending = false;
    const items = this.#items;
    const sliceMs = this.#sliceMs;
    const deadline = sliceMs === null ? Number.POSITIVE_INFINITY : performance.now() + sliceMs;
    let i = this.#head;
    while (i < items.length) {
      (items[i++] as T).flushScheduled();
      if (i % CLOCK_EVERY === 0 && i < items.length && performance.now() >= deadline) break;
    }
    if (i >= items.length) {
      // Everything written: start over with an empty array (the old one may have grown large).
      this.#items = [];
      this.#head = 0;
      return;
    }
    this.#head = i;
    // Compact once the written part dominates, so the array stays within twice the queued connections.
    if (i > 1024 && i * 2 > items.length) {
      this.#items = items.slice(i);
      this.#head = 0;
    }
    if (!this.#pending) {
      this.#pending = true;
      setImmediate(this.#run);
    }
  }
}
