import type { BusListener } from '@ws/sse-core';
import type { Redis } from 'ioredis';
import type { LocalDeliveries } from './localDeliveries.js';
import { type Entry, toEvent } from './redisEntry.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The instance's one blocking `XREAD` loop: it learns where the stream ends (`XREVRANGE`), then
 * delivers every later entry, in order, to the local listeners, and tells {@link LocalDeliveries}
 * how many connections each was queued to. It always reads after the last id it delivered, so a
 * reconnect (ioredis resends an interrupted `XREAD` with the same id) neither repeats nor skips an
 * entry that is still retained.
 */
export class StreamReader {
  readonly listeners = new Set<BusListener>();
  readonly #reader: Redis;
  readonly #key: string;
  readonly #blockMs: number;
  readonly #deliveries: LocalDeliveries;
  #lastId: string | undefined;
  #closed = false;
  readonly ready: Promise<void>;

  constructor(reader: Redis, key: string, blockMs: number, deliveries: LocalDeliveries) {
    this.#reader = reader;
    this.#key = key;
    this.#blockMs = blockMs;
    this.#deliveries = deliveries;
    this.ready = this.#findEnd();
    void this.ready.then(() => this.#loop());
  }

  /** The last id delivered to this instance; `0-0` before the first. */
  get lastDeliveredId(): string {
    return this.#lastId ?? '0-0';
  }

  /** Where the stream ends now: the reader delivers everything after it. Retries until Redis answers. */
  async #findEnd(): Promise<void> {
    while (!this.#closed && this.#lastId === undefined) {
      try {
        const last = (await this.#reader.xrevrange(this.#key, '+', '-', 'COUNT', 1)) as Entry[];
        this.#lastId = last[0]?.[0] ?? '0-0';
        this.#deliveries.passed(this.#lastId);
      } catch {
        await sleep(200);
      }
    }
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      try {
        const res = (await this.#reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          this.#blockMs,
          'STREAMS',
          this.#key,
          this.#lastId as string,
        )) as [string, Entry[]][] | null;
        for (const [, entries] of res ?? []) for (const [id, fields] of entries) this.#deliver(id, fields);
      } catch {
        if (this.#closed) return;
        // Connection lost: ioredis reconnects with backoff; the next XREAD waits for it and resumes.
        await sleep(100);
      }
    }
  }

  #deliver(id: string, fields: string[]): void {
    this.#lastId = id;
    const event = toEvent(id, fields);
    let queued = 0;
    for (const listener of this.listeners) queued += listener(event) ?? 0;
    this.#deliveries.delivered(id, queued);
  }

  close(): void {
    this.#closed = true;
    this.listeners.clear();
  }
}
