import type { ReplayResult } from './bus.js';
import type { HubEvent } from './event.js';
import { compareStreamIds } from './streamId.js';

const EVENT_OVERHEAD_BYTES = 96;

function sizeOf(event: HubEvent): number {
  return (
    event.data.length +
    (event.text?.length ?? 0) +
    event.channel.length +
    (event.type?.length ?? 0) +
    EVENT_OVERHEAD_BYTES
  );
}

/**
 * The in-memory bus's history: a ring buffer of events in id order, bounded by count and by
 * (approximate) bytes, oldest evicted first; `after` finds an id by binary search.
 */
export class RingHistory {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #cap: number;
  // `#ring[(#head + i) % #cap]` for i < #count, oldest first.
  readonly #ring: (HubEvent | undefined)[];
  #head = 0;
  #count = 0;
  #bytes = 0;
  #evicted = 0;

  constructor(maxEvents: number, maxBytes: number) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
    this.#cap = Math.max(maxEvents, 1);
    this.#ring = new Array(this.#cap);
  }

  get count(): number {
    return this.#count;
  }
  get bytes(): number {
    return this.#bytes;
  }
  get evicted(): number {
    return this.#evicted;
  }

  #at(i: number): HubEvent {
    return this.#ring[(this.#head + i) % this.#cap] as HubEvent;
  }

  #evictOldest(): void {
    const old = this.#at(0);
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#cap;
    this.#count--;
    this.#bytes -= sizeOf(old);
    this.#evicted++;
  }

  /** Appends the newest event, evicting the oldest past either bound (the newest always stays). */
  retain(event: HubEvent): void {
    if (this.#maxEvents === 0) return;
    if (this.#count === this.#cap) this.#evictOldest();
    this.#ring[(this.#head + this.#count) % this.#cap] = event;
    this.#count++;
    this.#bytes += sizeOf(event);
    while (this.#bytes > this.#maxBytes && this.#count > 1) this.#evictOldest();
  }

  /** Index of the first retained event whose id is greater than `id` (binary search: ids are ordered). */
  #firstAfter(id: string): number {
    let lo = 0;
    let hi = this.#count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareStreamIds(this.#at(mid).id, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #slice(from: number): HubEvent[] {
    const out: HubEvent[] = new Array(Math.max(this.#count - from, 0));
    for (let i = from; i < this.#count; i++) out[i - from] = this.#at(i);
    return out;
  }

  /** The `n` most recent events, oldest first. */
  latest(n: number): HubEvent[] {
    return this.#slice(Math.max(this.#count - Math.max(Math.floor(n), 0), 0));
  }

  /** Events after `lastEventId`, or every retained one with the reason it cannot be placed. */
  after(lastEventId: string): ReplayResult {
    if (this.#count === 0) return { events: [], gap: 'unknown' };
    const toOldest = compareStreamIds(lastEventId, this.#at(0).id);
    if (toOldest < 0) return { events: this.#slice(0), gap: this.#evicted > 0 ? 'expired' : 'unknown' };
    if (compareStreamIds(lastEventId, this.#at(this.#count - 1).id) > 0)
      return { events: this.#slice(0), gap: 'unknown' };
    const from = this.#firstAfter(lastEventId);
    const found = from > 0 && this.#at(from - 1).id === lastEventId;
    return found ? { events: this.#slice(from) } : { events: this.#slice(from), gap: 'unknown' };
  }
}
