import { describe, expect, it } from 'vitest';
import type { BridgeHub } from './hub.js';
import { createIngestCore } from './ingestCore.js';
import { createMemoryBridgeHub } from './memoryHub.js';

const body = new TextEncoder().encode('hello');
const message = (headers: Record<string, string> = {}, nativeId: string | null = 'm1') => ({
  source: 'a.b',
  separator: '.' as const,
  headers,
  body,
  nativeId: nativeId ?? undefined,
});

describe('createIngestCore', () => {
  it('publishes with the key bridge:<name>:<message id> and acks; a repeat is a duplicate', async () => {
    const hub = createMemoryBridgeHub();
    const keys: (string | undefined)[] = [];
    const spy: BridgeHub = {
      subscribe: hub.subscribe,
      publish: (i, o) => {
        keys.push(o.idempotencyKey);
        return hub.publish(i, o);
      },
    };
    const core = createIngestCore({ hub: spy, name: 'b1', origin: 'o', mapping: {} });
    expect(await core.handle(message())).toMatchObject({ action: 'ack', duplicate: false });
    expect(await core.handle(message())).toMatchObject({ action: 'ack', duplicate: true });
    expect(keys).toEqual(['bridge:b1:m1', 'bridge:b1:m1']);
    expect(core.state).toMatchObject({ received: 2, stored: 1, duplicates: 1, withoutKey: 0 });
  });

  it('skips its own echoes, counts messages without a key', async () => {
    const hub = createMemoryBridgeHub();
    const core = createIngestCore({ hub, name: 'b', origin: 'me', mapping: {} });
    expect(await core.handle(message({ 'ws-origin': 'me' }))).toEqual({
      action: 'ack',
      id: undefined,
      duplicate: false,
    });
    await core.handle(message({ 'ws-origin': 'someone-else' }, null));
    expect(hub.events()).toHaveLength(1);
    expect(core.state).toMatchObject({ echoes: 1, stored: 1, withoutKey: 1 });
  });

  it('rejects what can never be stored and tells onRejected', async () => {
    const hub = createMemoryBridgeHub();
    const seen: string[] = [];
    const core = createIngestCore({
      hub,
      name: 'b',
      origin: 'o',
      mapping: { channel: 'bad/channel' },
      onRejected: (r) => seen.push(r.reason),
    });
    const out = await core.handle(message());
    expect(out).toMatchObject({ action: 'reject' });
    expect(seen).toHaveLength(1);
    expect(core.state.lastRejection).toMatchObject({ source: 'a.b', messageId: 'm1' });
  });

  it('asks for a retry, with a growing delay, while the hub fails or does not answer in time', async () => {
    const hub = createMemoryBridgeHub();
    hub.setAvailable(false);
    const core = createIngestCore({
      hub,
      name: 'b',
      origin: 'o',
      mapping: {},
      retryBackoff: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    const first = await core.handle(message());
    const second = await core.handle(message());
    expect(first).toMatchObject({ action: 'retry', error: 'hub unavailable' });
    expect(first.action === 'retry' && second.action === 'retry' && second.delayMs > first.delayMs).toBe(true);
    const stuck: BridgeHub = { subscribe: hub.subscribe, publish: () => new Promise(() => {}) };
    const slow = createIngestCore({ hub: stuck, name: 'b', origin: 'o', mapping: {}, publishTimeoutMs: 20 });
    expect(await slow.handle(message())).toMatchObject({
      action: 'retry',
      error: 'the hub did not store the message within 20 ms',
    });
    expect(core.state.retries).toBe(2);
  });
});
