import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SseSink } from '../src/sink.js';
import type { Subscriber } from '../src/subscriber.js';

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
  consume(subscriber: Subscriber): void {
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
