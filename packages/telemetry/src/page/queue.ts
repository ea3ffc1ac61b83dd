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
  let items: TelemetryItem[] = [];
  const queued = new WeakSet<object>();
  const dropped: Record<DropReason, Record<BudgetKind, number>> = {
    rate: emptyTally(),
    queue: emptyTally(),
    send: emptyTally(),
  };
  let windowStart = 0;
  let used = emptyTally();
  let timer: unknown;
  let timerDue = 0;
  let inFlight = false;
  let again = false;
  let disabled = false;
  let failures = 0;
  let backoffUntil = 0;
  let seq = 0;
  const delivered: Array<() => void> = [];
  const budget: Record<BudgetKind, number> = {
    console: limits.consolePerSecond,
    error: limits.errorsPerSecond,
    network: limits.networkPerSecond,
  };

  function drop(kind: BudgetKind, reason: DropReason, count = 1) {
    dropped[reason][kind] += count;
    schedule(limits.flushIntervalMs);
  }

  function schedule(ms: number) {
    if (disabled) return;
    const due = env.now() + ms;
    if (timer !== undefined) {
      if (timerDue <= due) return;
      env.clearTimer(timer);
    }
    timerDue = due;
    timer = env.setTimer(() => {
      timer = undefined;
      flush();
    }, ms);
  }

  function admit(kind: BudgetKind, count = 1): boolean {
    if (disabled) return false;
    const now = env.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      used = emptyTally();
    }
    if (used[kind] >= budget[kind]) {
      drop(kind, 'rate', count);
      return false;
    }
    if (items.length >= limits.maxQueueItems) {
      drop(kind, 'queue', count);
      return false;
    }
    used[kind]++;
    return true;
  }

  function push(item: TelemetryItem): boolean {
    if (disabled || items.length >= limits.maxQueueItems * 2) return false;
    items.push(item);
    queued.add(item);
    schedule(items.length >= limits.maxBatchItems ? 0 : limits.flushIntervalMs);
    return true;
  }

  function droppedItems(now: number): DroppedItem[] {
    const out: DroppedItem[] = [];
    for (const reason of REASONS) {
      const tally = dropped[reason];
      if (tally.console + tally.error + tally.network === 0) continue;
      out.push({ kind: 'dropped', at: now, reason, ...tally });
      dropped[reason] = emptyTally();
    }
    return out;
  }

  function take(): { parts: string[]; sent: Record<BudgetKind, number> } {
    const parts: string[] = [];
    const sent = emptyTally();
    let bytes = 1200;
    let n = 0;
    for (; n < items.length && parts.length < limits.maxBatchItems; n++) {
      const item = items[n] as TelemetryItem;
      const json = JSON.stringify(item);
      if (bytes + json.length + 1 > limits.maxBatchBytes && parts.length > 0) break;
      parts.push(json);
      bytes += json.length + 1;
      const kind = kindOf(item);
      if (kind) sent[kind] += itemCount(item);
    }
    for (const item of items.slice(0, n)) queued.delete(item);
    items = items.slice(n);
    // Drops so far go after the items sent with them (at most three items, one per reason).
    for (const item of droppedItems(env.now())) parts.push(JSON.stringify(item));
    return { parts, sent };
  }

  function settle(status: number, retryAfterMs: number | undefined, sent: Record<BudgetKind, number>) {
    inFlight = false;
    if (status >= 200 && status < 300) {
      failures = 0;
      for (const listener of delivered) listener();
    } else if (status === 403 || status === 404) {
      // The key was refused (the server restarted since this page loaded): stop for good.
      disabled = true;
      items = [];
      return;
    } else {
      for (const kind of KINDS) if (sent[kind]) drop(kind, 'send', sent[kind]);
      failures++;
      const wait = retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures);
      backoffUntil = env.now() + wait;
    }
    if (items.length || again) {
      again = false;
      const wait = Math.max(0, backoffUntil - env.now());
      schedule(items.length >= limits.maxBatchItems ? wait : Math.max(limits.flushIntervalMs, wait));
    }
  }

  function flush(beacon = false, force = false) {
    if (timer !== undefined) {
      env.clearTimer(timer);
      timer = undefined;
    }
    if (disabled) return;
    if (!beacon && (inFlight || backoffUntil > env.now())) {
      again = true;
      if (!inFlight) schedule(backoffUntil - env.now());
      return;
    }
    const { parts, sent } = take();
    if (parts.length === 0 && !force) return;
    const body = `{"key":${JSON.stringify(key)},"session":${JSON.stringify(env.info())},"seq":${seq++},"items":[${parts.join(',')}]}`;
    if (beacon) {
      env.send(body, true).catch(() => {});
      return;
    }
    inFlight = true;
    env.send(body, false).then(
      (result) => settle(result.status, result.retryAfterMs, sent),
      () => settle(0, undefined, sent),
    );
    if (items.length >= limits.maxBatchItems) again = true;
  }

  return {
    admit,
    push,
    drop,
    flush,
    isQueued: (item) => queued.has(item),
    last: () => {
      const item = items[items.length - 1];
      return item && queued.has(item) ? item : undefined;
    },
    onDelivered: (listener) => {
      delivered.push(listener);
    },
    get disabled() {
      return disabled;
    },
  };
}

function kindOf(item: TelemetryItem): BudgetKind | undefined {
  if (item.kind === 'console' || item.kind === 'error' || item.kind === 'network') return item.kind;
  return undefined;
}

function itemCount(item: TelemetryItem): number {
  return item.kind === 'console' || item.kind === 'error' ? item.count : 1;
}
