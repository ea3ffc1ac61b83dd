import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SinkConnection } from '../src/connection.js';
import type { SseSink } from '../src/sink.js';

/** An in-process sink that records bytes and simulates a transport buffer of `capacity` bytes. */
export class RecordingSink implements SseSink {
  readonly chunks: string[] = [];
  writes = 0;
  buffered = 0;
  closed = false;
  readonly #decoder = new TextDecoder();

  constructor(readonly capacity = Number.POSITIVE_INFINITY) {}

  write(chunk: Uint8Array): boolean {
    this.writes++;
    this.chunks.push(this.#decoder.decode(chunk));
    // An unbounded sink stands for a peer that reads at once: nothing stays buffered.
    if (this.capacity === Number.POSITIVE_INFINITY) return true;
    this.buffered += chunk.byteLength;
    return this.buffered < this.capacity;
  }

  bufferedBytes(): number {
    return this.buffered;
  }

  close(): void {
    this.closed = true;
  }

  /** The peer read everything: empties the buffer and signals drain. */
  consume(subscriber: SinkConnection): void {
    this.buffered = 0;
    subscriber.drain();
  }

  get text(): string {
    return this.chunks.join('');
  }

  events(): EventSourceMessage[] {
    return parseEvents(this.text);
  }

  /** Data of the events, without the end-of-replay marker. */
  data(): string[] {
    return this.events()
      .filter((e) => e.event !== 'replayed')
      .map((e) => e.data);
  }
}

export function parseEvents(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => out.push(e) }).feed(text);
  return out;
}

/** Resolves after the hub's end-of-tick flush. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What {@link checkDelivery} found. */
export interface DeliveryReport {
  /** Ids received, in order, across every connection. */
  received: string[];
  /** `gap` events received (any reason). */
  gaps: number;
  /** Published ids that were never received (each covered by a gap that preceded the next id received). */
  missed: number;
}

/**
 * Checks the delivery invariant over what one client read across all its connections, in order
 * (`items`), against every id published (`published`, in bus order): received ids strictly
 * increase, and every published id is received or covered by an overflow `gap` event's range
 * that came before the next received id (or at the end). For an unfiltered subscription (`exact`),
 * each gap's `missed` must also equal the number of ids in its range. Throws naming the first violation.
 */
export function checkDelivery(
  published: readonly string[],
  items: readonly Pick<EventSourceMessage, 'id' | 'event' | 'data'>[],
  exact = true,
): DeliveryReport {
  const index = new Map(published.map((id, i) => [id, i]));
  const received: string[] = [];
  let gaps = 0;
  let last = -1;
  let covered = new Set<number>();
  const skipped = (from: number, to: number, where: string) => {
    for (let j = from; j < to; j++) {
      if (!covered.has(j)) throw new Error(`id ${published[j]} was skipped silently (${where})`);
    }
  };
  for (const item of items) {
    if (item.event === 'gap') {
      gaps++;
      const gap = JSON.parse(item.data) as { reason: string; missed?: number; firstId?: string; lastId?: string };
      if (gap.reason !== 'overflow') throw new Error(`unexpected gap ${item.data}`);
      const a = index.get(gap.firstId ?? '');
      const b = index.get(gap.lastId ?? '');
      if (a === undefined || b === undefined || a > b) throw new Error(`gap with a bad range: ${item.data}`);
      if (a <= last) throw new Error(`gap ${item.data} names ids at or before the last received ${published[last]}`);
      if (exact && gap.missed !== b - a + 1)
        throw new Error(`gap ${item.data} says ${gap.missed}, range has ${b - a + 1}`);
      for (let j = a; j <= b; j++) covered.add(j);
      continue;
    }
    if (item.event === 'replayed' || item.event === 'ping') continue;
    const i = index.get(item.id ?? '');
    if (i === undefined) throw new Error(`received an event without a published id: ${JSON.stringify(item)}`);
    if (i <= last) throw new Error(`id ${item.id} received after ${published[last]}: ids must strictly increase`);
    skipped(last + 1, i, `before ${item.id}`);
    last = i;
    covered = new Set();
    received.push(item.id as string);
  }
  skipped(last + 1, published.length, 'at the end');
  return { received, gaps, missed: published.length - received.length };
}
