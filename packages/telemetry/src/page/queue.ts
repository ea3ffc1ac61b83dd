// The page's outgoing queue: per-kind rate budgets, a bounded queue, batches capped in items and
// bytes, one request in flight, back-off on failure, and counted drops reported as `dropped` items.
import type { PageLimits } from '../pageConfig.js';
import type { DroppedItem, PageInfo, TelemetryItem } from '../schemas.js';

/** Kinds with a per-second budget. */
export type BudgetKind = 'console' | 'error' | 'network';
type DropReason = DroppedItem['reason'];

/** What the queue needs from its surroundings (the page, or a test). */
export interface QueueEnv {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Sends one batch body; resolves to the HTTP status (0: network failure) and Retry-After (ms). */
  send(body: string, beacon: boolean): Promise<{ status: number; retryAfterMs?: number }>;
  info(): PageInfo;
}

/** The page's queue. */
export interface Queue {
  /**
   * Takes one unit of `kind`'s per-second budget and a queue slot; false (and the `count` calls
   * counted as dropped) when over budget or full. Call before building an item, so a flood costs
   * no serialization.
   */
  admit(kind: BudgetKind, count?: number): boolean;
  /** Queues an item (admitted first for budgeted kinds); false when the queue is far over its limit. */
  push(item: TelemetryItem): boolean;
  /** Whether this item object is still waiting to be sent (so a duplicate can raise its count). */
  isQueued(item: object): boolean;
  /** The most recently queued item, if still waiting. */
  last(): TelemetryItem | undefined;
  /** Counts items dropped before they reached the queue. */
  drop(kind: BudgetKind, reason: DropReason, count?: number): void;
  /** Sends now: `beacon` for page exit (no response awaited), `force` to send even an empty batch. */
  flush(beacon?: boolean, force?: boolean): void;
  /** Called after each batch the server accepted. */
  onDelivered(listener: () => void): void;
  /** True once the server refused the page key: nothing more is sent. */
  readonly disabled: boolean;
}

const KINDS: BudgetKind[] = ['console', 'error', 'network'];
const REASONS: DropReason[] = ['rate', 'queue', 'send'];
const MAX_BACKOFF_MS = 30_000;

function emptyTally(): Record<BudgetKind, number> {
  return { console: 0, error: 0, network: 0 };
}

/** Creates the queue. `key` goes into every batch. */
export function createQueue(key: string, limits: PageLimits, env: QueueEnv): Queue {
  return new PageQueue(key, limits, env);
}

class PageQueue implements Queue {
  private items: TelemetryItem[] = [];
  private readonly queued = new WeakSet<object>();
  private dropped: Record<DropReason, Record<BudgetKind, number>> = {
    rate: emptyTally(),
    queue: emptyTally(),
    send: emptyTally(),
  };
  private windowStart = 0;
  private used = emptyTally();
  private timer: unknown;
  private timerDue = 0;
  private inFlight = false;
  private again = false;
  private failures = 0;
  private backoffUntil = 0;
  private seq = 0;
  private readonly delivered: Array<() => void> = [];
  private readonly budget: Record<BudgetKind, number>;
  disabled = false;

  constructor(
    private readonly key: string,
    private readonly limits: PageLimits,
    private readonly env: QueueEnv,
  ) {
    this.budget = { console: limits.consolePerSecond, error: limits.errorsPerSecond, network: limits.networkPerSecond };
  }

  drop(kind: BudgetKind, reason: DropReason, count = 1) {
    this.dropped[reason][kind] += count;
    // Cheap on the flood path: a flush is already due when a timer is set.
    if (this.timer === undefined) this.schedule(this.limits.flushIntervalMs);
  }

  private schedule(ms: number) {
    if (this.disabled) return;
    const due = this.env.now() + ms;
    if (this.timer !== undefined) {
      if (this.timerDue <= due) return;
      this.env.clearTimer(this.timer);
    }
    this.timerDue = due;
    this.timer = this.env.setTimer(() => {
      this.timer = undefined;
      this.flush();
    }, ms);
  }

  admit(kind: BudgetKind, count = 1): boolean {
    if (this.disabled) return false;
    const now = this.env.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = emptyTally();
    }
    if (this.used[kind] >= this.budget[kind]) {
      this.drop(kind, 'rate', count);
      return false;
    }
    if (this.items.length >= this.limits.maxQueueItems) {
      this.drop(kind, 'queue', count);
      return false;
    }
    this.used[kind]++;
    return true;
  }

  push(item: TelemetryItem): boolean {
    if (this.disabled || this.items.length >= this.limits.maxQueueItems * 2) return false;
    this.items.push(item);
    this.queued.add(item);
    this.schedule(this.items.length >= this.limits.maxBatchItems ? 0 : this.limits.flushIntervalMs);
    return true;
  }

  isQueued(item: object): boolean {
    return this.queued.has(item);
  }

  last(): TelemetryItem | undefined {
    const item = this.items[this.items.length - 1];
    return item && this.queued.has(item) ? item : undefined;
  }

  onDelivered(listener: () => void) {
    this.delivered.push(listener);
  }

  private droppedItems(now: number): DroppedItem[] {
    const out: DroppedItem[] = [];
    for (const reason of REASONS) {
      const tally = this.dropped[reason];
      if (tally.console + tally.error + tally.network === 0) continue;
      out.push({ kind: 'dropped', at: now, reason, ...tally });
      this.dropped[reason] = emptyTally();
    }
    return out;
  }

  private take(): { parts: string[]; sent: Record<BudgetKind, number> } {
    const parts: string[] = [];
    const sent = emptyTally();
    let bytes = 1200;
    let n = 0;
    for (; n < this.items.length && parts.length < this.limits.maxBatchItems; n++) {
      const item = this.items[n] as TelemetryItem;
      const json = JSON.stringify(item);
      if (bytes + json.length + 1 > this.limits.maxBatchBytes && parts.length > 0) break;
      parts.push(json);
      bytes += json.length + 1;
      const kind = kindOf(item);
      if (kind) sent[kind] += itemCount(item);
    }
    for (const item of this.items.slice(0, n)) this.queued.delete(item);
    this.items = this.items.slice(n);
    // Drops so far go after the items sent with them (at most three items, one per reason).
    for (const item of this.droppedItems(this.env.now())) parts.push(JSON.stringify(item));
    return { parts, sent };
  }

  private settle(status: number, retryAfterMs: number | undefined, sent: Record<BudgetKind, number>) {
    this.inFlight = false;
    if (status >= 200 && status < 300) {
      this.failures = 0;
      for (const listener of this.delivered) listener();
    } else if (status === 403 || status === 404) {
      // The key was refused (the server restarted since this page loaded): stop for good.
      this.disabled = true;
      this.items = [];
      return;
    } else {
      for (const kind of KINDS) if (sent[kind]) this.drop(kind, 'send', sent[kind]);
      this.failures++;
      this.backoffUntil = this.env.now() + (retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.failures));
    }
    if (this.items.length || this.again) {
      this.again = false;
      const wait = Math.max(0, this.backoffUntil - this.env.now());
      this.schedule(
        this.items.length >= this.limits.maxBatchItems ? wait : Math.max(this.limits.flushIntervalMs, wait),
      );
    }
  }

  flush(beacon = false, force = false) {
    if (this.timer !== undefined) {
      this.env.clearTimer(this.timer);
      this.timer = undefined;
    }
    if (this.disabled) return;
    if (!beacon && (this.inFlight || this.backoffUntil > this.env.now())) {
      this.again = true;
      if (!this.inFlight) this.schedule(this.backoffUntil - this.env.now());
      return;
    }
    const { parts, sent } = this.take();
    if (parts.length === 0 && !force) return;
    const session = JSON.stringify(this.env.info());
    const body = `{"key":${JSON.stringify(this.key)},"session":${session},"seq":${this.seq++},"items":[${parts.join(',')}]}`;
    if (beacon) {
      this.env.send(body, true).catch(() => {});
      return;
    }
    this.inFlight = true;
    this.env.send(body, false).then(
      (result) => this.settle(result.status, result.retryAfterMs, sent),
      () => this.settle(0, undefined, sent),
    );
    if (this.items.length >= this.limits.maxBatchItems) this.again = true;
  }
}

function kindOf(item: TelemetryItem): BudgetKind | undefined {
  if (item.kind === 'console' || item.kind === 'error' || item.kind === 'network') return item.kind;
  return undefined;
}

function itemCount(item: TelemetryItem): number {
  return item.kind === 'console' || item.kind === 'error' ? item.count : 1;
}
