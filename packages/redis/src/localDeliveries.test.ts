import type { HubEvent } from '@ws/sse-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalDeliveries } from './localDeliveries.js';

const event = (id: string): HubEvent => ({
  id,
  channel: 'default',
  type: undefined,
  data: id,
  text: undefined,
  priority: 'normal',
  timestamp: 1,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LocalDeliveries (pairs an XADD reply with the local XREAD delivery)', () => {
  it('a delivery that comes before the reply is remembered until the reply claims it', async () => {
    const d = new LocalDeliveries(1000);
    d.begin();
    d.begin();
    d.delivered('1-0', 3);
    d.delivered('1-1', 0);
    expect(await d.settle(event('1-0'))).toEqual({ event: event('1-0'), queued: 3, local: 'delivered' });
    expect(await d.settle(event('1-1'))).toEqual({ event: event('1-1'), queued: 0, local: 'delivered' });
  });

  it('a reply that comes first waits for the delivery', async () => {
    const d = new LocalDeliveries(1000);
    d.begin();
    const pending = d.settle(event('2-0'));
    d.delivered('1-9', 7); // another instance's event: not ours
    d.delivered('2-0', 2);
    expect(await pending).toMatchObject({ queued: 2, local: 'delivered' });
  });

  it('resolves with timeout past the bound, with one timer for all waiters, and with closed on close', async () => {
    vi.useFakeTimers();
    const d = new LocalDeliveries(1000);
    d.begin();
    d.begin();
    const first = d.settle(event('3-0'));
    await vi.advanceTimersByTimeAsync(500);
    const second = d.settle(event('3-1'));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(await first).toMatchObject({ queued: 0, local: 'timeout' });
    d.begin();
    const third = d.settle(event('3-2'));
    await vi.advanceTimersByTimeAsync(499);
    d.delivered('3-2', 4);
    // 3-1 was not delivered before 3-2: the reader is past it, it will not come here.
    expect(await second).toMatchObject({ queued: 0, local: 'skipped' });
    expect(await third).toMatchObject({ queued: 4, local: 'delivered' });
    d.begin();
    const fourth = d.settle(event('4-0'));
    d.begin(); // an XADD still in flight when the bus closes
    d.close();
    expect(await fourth).toMatchObject({ local: 'closed' });
    expect(await d.settle(event('4-1'))).toMatchObject({ queued: 0, local: 'closed' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a reply for an id the reader is already past is skipped at once', async () => {
    const d = new LocalDeliveries(1000);
    d.passed('5-5'); // the reader started after 5-5
    d.begin();
    expect(await d.settle(event('5-1'))).toMatchObject({ queued: 0, local: 'skipped' });
  });

  it('forgets deliveries nobody waits for: nothing is remembered while no publish is in flight', async () => {
    const d = new LocalDeliveries(1000);
    d.delivered('6-0', 1); // no publish in flight: not remembered
    d.begin();
    d.delivered('6-1', 1); // remembered: it may be ours
    d.delivered('6-2', 1);
    // The reply is for 6-2: 6-1 was another instance's (no later reply can claim an older id).
    expect(await d.settle(event('6-2'))).toMatchObject({ queued: 1, local: 'delivered' });
    d.begin();
    const late = d.settle(event('6-1')); // cannot happen in order; shows 6-1 was forgotten
    expect(await late).toMatchObject({ local: 'skipped' });
  });
});
