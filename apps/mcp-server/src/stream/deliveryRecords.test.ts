import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryStore, MAX_LISTED_ACKS, MAX_LISTED_RECIPIENTS } from './deliveryRecords.js';

const recipients = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ connection: `i.${from + i}` }));

describe('the in-memory delivery store: bounded at each edge', () => {
  it('forgets the oldest message past its limit', async () => {
    const store = createMemoryDeliveryStore(2, 10);
    for (const id of ['1-0', '2-0', '3-0']) await store.reached(id, 0, []);
    expect(store.has('1-0')).toBe(false);
    expect(await store.status('3-0')).toMatchObject({ reached: 0, recipients: [], acks: [] });
  });

  it('lists at most 100 recipients (reached counts them all) and counts at most maxAcks acknowledgers', async () => {
    const store = createMemoryDeliveryStore(10, 150);
    await store.reached('1-0', 120, recipients(120));
    await store.reached('1-0', 5, recipients(5, 120)); // another instance's share (shared store) adds up
    for (let i = 0; i < 200; i++) await store.ack('1-0', { connection: `i.${i}` }, 0);
    await store.ack('1-0', { connection: 'i.0' }, 99); // a repeat keeps the first time
    const status = await store.status('1-0');
    expect(status?.reached).toBe(125);
    expect(status?.recipients).toHaveLength(MAX_LISTED_RECIPIENTS);
    expect(status?.acknowledged).toBe(150);
    expect(status?.acks).toHaveLength(MAX_LISTED_ACKS);
    expect(status?.acks[0]).toEqual({ connection: 'i.0', at: new Date(0).toISOString() });
  });

  it('ignores acknowledgements of unknown messages', async () => {
    const store = createMemoryDeliveryStore(10, 10);
    await store.ack('9-9', { subject: 'alice' }, 0);
    expect(await store.status('9-9')).toBeUndefined();
  });
});
