import { compareStreamIds, type HubEvent, type LocalDelivery, type PublishResult } from '@ws/sse-core';

/** Most delivery results remembered for publishes whose `XADD` reply has not come back yet. */
const MAX_EARLY = 10_000;

interface Waiter {
  readonly event: HubEvent;
  readonly deadline: number;
  readonly resolve: (result: PublishResult) => void;
}

/**
 * Pairs this instance's publishes with their local delivery. A publish's `XADD` returns the id on
 * one connection; the blocking `XREAD` loop delivers that id on another, before or after. So:
 *
 * - a delivery that comes first is remembered (`#early`, only while a publish is in flight) until
 *   the publish's reply claims it;
 * - a reply that comes first waits (`#waiting`) for the delivery, at most `timeoutMs`
 *   (`local: 'timeout'`, one shared timer), or until the reader moves past the id without it
 *   (`'skipped'`), or the bus closes (`'closed'`).
 *
 * Both maps are in id order (one connection's replies, and the reader, go in id order), so each is
 * pruned from its head: a reply for id X ends every remembered delivery up to X, which no later
 * reply can claim.
 */
export class LocalDeliveries {
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, Waiter>();
  readonly #early = new Map<string, number>();
  #inFlight = 0;
  #closed = false;
  #lastDelivered: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** A publish was sent (its reply will come to {@link settle} or {@link failed}). */
  begin(): void {
    this.#inFlight++;
  }

  /** The publish failed: no reply to pair. */
  failed(): void {
    this.#end();
  }

  /** The publish's `XADD` returned `event`: resolves once it is delivered here, or why not. */
  settle(event: HubEvent): Promise<PublishResult> {
    const queued = this.#early.get(event.id);
    this.#prune(event.id);
    this.#end();
    if (queued !== undefined) return Promise.resolve({ event, queued, local: 'delivered' });
    if (this.#closed) return Promise.resolve({ event, queued: 0, local: 'closed' });
    if (this.#lastDelivered !== undefined && compareStreamIds(this.#lastDelivered, event.id) >= 0) {
      return Promise.resolve({ event, queued: 0, local: 'skipped' });
    }
    return new Promise((resolve) => {
      this.#waiting.set(event.id, { event, deadline: Date.now() + this.#timeoutMs, resolve });
      this.#arm();
    });
  }

  /** The reader handed entry `id` to the local listeners, which queued it to `queued` connections. */
  delivered(id: string, queued: number): void {
    const waiter = this.#waiting.get(id);
    if (waiter !== undefined) {
      this.#waiting.delete(id);
      waiter.resolve({ event: waiter.event, queued, local: 'delivered' });
    } else if (this.#inFlight > 0) {
      this.#early.set(id, queued);
      if (this.#early.size > MAX_EARLY) this.#early.delete(this.#early.keys().next().value as string);
    }
    this.passed(id);
  }

  /** The reader is past `id` (it delivered it, or starts reading after it): older waiters will never be delivered. */
  passed(id: string): void {
    this.#lastDelivered = id;
    for (const [wid, waiter] of this.#waiting) {
      if (compareStreamIds(wid, id) > 0) break;
      this.#finish(wid, waiter, 'skipped');
    }
  }

  /** The bus closed: every waiter resolves with `closed`. */
  close(): void {
    this.#closed = true;
    for (const [wid, waiter] of this.#waiting) this.#finish(wid, waiter, 'closed');
    this.#early.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #end(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) this.#early.clear();
  }

  #prune(upTo: string): void {
    for (const id of this.#early.keys()) {
      if (compareStreamIds(id, upTo) > 0) break;
      this.#early.delete(id);
    }
  }

  #finish(id: string, waiter: Waiter, local: LocalDelivery): void {
    this.#waiting.delete(id);
    waiter.resolve({ event: waiter.event, queued: 0, local });
  }

  /** One timer, for the oldest waiter (deadlines are in insertion order). */
  #arm(): void {
    if (this.#timer !== undefined) return;
    const first = this.#waiting.values().next().value;
    if (first === undefined) return;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, first.deadline - Date.now()));
    this.#timer.unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const [wid, waiter] of this.#waiting) {
      if (waiter.deadline > now) break;
      this.#finish(wid, waiter, 'timeout');
    }
    this.#arm();
  }
}
