import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_PAGE_LIMITS, type PageLimits } from '../pageConfig.js';
import type { ConsoleItem, TelemetryBatch } from '../schemas.js';
import { createQueue, type Queue } from './queue.js';

interface Sent {
  batch: TelemetryBatch;
  beacon: boolean;
  bytes: number;
  respond(status: number, retryAfterMs?: number): void;
}

function harness(limits: Partial<PageLimits> = {}) {
  const sent: Sent[] = [];
  const queue = createQueue(
    'key',
    { ...DEFAULT_PAGE_LIMITS, ...limits },
    {
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
      info: () => ({
        id: 'session-1',
        url: '/',
        title: '',
        userAgent: 'ua',
        startedAt: 0,
        visibility: 'visible',
        focused: true,
      }),
      send: (body, beacon) =>
        new Promise((resolve) => {
          sent.push({
            batch: JSON.parse(body),
            beacon,
            bytes: body.length,
            respond: (status, retryAfterMs) => resolve({ status, retryAfterMs }),
          });
        }),
    },
  );
  return { queue, sent };
}

function log(queue: Queue, text: string, count = 1): boolean {
  if (!queue.admit('console', count)) return false;
  const item: ConsoleItem = { kind: 'console', at: Date.now(), level: 'log', args: [text], count };
  return queue.push(item);
}

const consoleCount = (batch: TelemetryBatch) => batch.items.filter((item) => item.kind === 'console').length;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('page queue', () => {
  test('per-second budget: over it calls are counted, and the count goes out after the items sent with it', async () => {
    const { queue, sent } = harness();
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) if (log(queue, `line ${i}`)) admitted++;
    expect(admitted).toBe(100);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    const first = sent[0] as Sent;
    expect(consoleCount(first.batch)).toBe(50);
    expect(first.batch.items.at(-1)).toEqual({
      kind: 'dropped',
      at: Date.now(),
      reason: 'rate',
      console: 9900,
      error: 0,
      network: 0,
    });
    first.respond(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(2);
    expect(consoleCount((sent[1] as Sent).batch)).toBe(50);
    (sent[1] as Sent).respond(200);
    // The next second has a fresh budget.
    await vi.advanceTimersByTimeAsync(1000);
    expect(log(queue, 'next second')).toBe(true);
  });

  test('batches stay under maxBatchBytes and maxBatchItems', async () => {
    const { queue, sent } = harness({ maxBatchBytes: 5000, consolePerSecond: 1000 });
    for (let i = 0; i < 40; i++) log(queue, 'z'.repeat(400));
    let total = 0;
    let answered = 0;
    for (let round = 0; round < 20 && total < 40; round++) {
      await vi.advanceTimersByTimeAsync(250);
      const next = sent[answered];
      if (!next) continue;
      answered++;
      expect(next.bytes).toBeLessThanOrEqual(5000);
      expect(next.batch.items.length).toBeLessThanOrEqual(50);
      total += consoleCount(next.batch);
      next.respond(200);
    }
    expect(total).toBe(40);
  });

  test('one request in flight; a failed batch is counted as dropped (send) and retried with back-off', async () => {
    const { queue, sent } = harness();
    log(queue, 'a');
    await vi.advanceTimersByTimeAsync(250);
    expect(sent).toHaveLength(1);
    log(queue, 'b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(1);
    (sent[0] as Sent).respond(500);
    await vi.advanceTimersByTimeAsync(499);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(sent).toHaveLength(2);
    const retry = (sent[1] as Sent).batch;
    expect(retry.items.map((item) => item.kind)).toEqual(['console', 'dropped']);
    expect(retry.items[1]).toMatchObject({ reason: 'send', console: 1 });
  });

  test('429 waits for Retry-After', async () => {
    const { queue, sent } = harness();
    log(queue, 'a');
    await vi.advanceTimersByTimeAsync(250);
    (sent[0] as Sent).respond(429, 3000);
    log(queue, 'b');
    await vi.advanceTimersByTimeAsync(2900);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toHaveLength(2);
  });

  test('a refused key (403) stops the queue for good', async () => {
    const { queue, sent } = harness();
    log(queue, 'a');
    await vi.advanceTimersByTimeAsync(250);
    (sent[0] as Sent).respond(403);
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.disabled).toBe(true);
    expect(log(queue, 'b')).toBe(false);
    queue.flush(false, true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
  });

  test('a full queue drops and counts (queue)', async () => {
    const { queue, sent } = harness({ maxQueueItems: 10, consolePerSecond: 1000, maxBatchItems: 5 });
    log(queue, 'first');
    await vi.advanceTimersByTimeAsync(250);
    expect(sent).toHaveLength(1);
    let admitted = 0;
    for (let i = 0; i < 30; i++) if (log(queue, `x${i}`)) admitted++;
    expect(admitted).toBe(10);
    (sent[0] as Sent).respond(200);
    await vi.advanceTimersByTimeAsync(0);
    expect((sent[1] as Sent).batch.items.at(-1)).toMatchObject({ kind: 'dropped', reason: 'queue', console: 20 });
  });

  test('a beacon flush sends at once, even with a request in flight, and a forced flush sends an empty batch', async () => {
    const { queue, sent } = harness();
    queue.flush(false, true);
    expect(sent).toHaveLength(1);
    expect((sent[0] as Sent).batch.items).toEqual([]);
    log(queue, 'bye');
    queue.flush(true);
    expect(sent).toHaveLength(2);
    expect((sent[1] as Sent).beacon).toBe(true);
    expect(consoleCount((sent[1] as Sent).batch)).toBe(1);
    expect((sent[1] as Sent).batch.seq).toBe(1);
  });
});
