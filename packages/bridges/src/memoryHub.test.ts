import { describe, expect, it } from 'vitest';
import type { BridgeEvent, BridgeGap } from './hub.js';
import { createMemoryBridgeHub } from './memoryHub.js';

function collect(hub: ReturnType<typeof createMemoryBridgeHub>, afterId?: string) {
  const events: BridgeEvent[] = [];
  const gaps: BridgeGap[] = [];
  const stop = hub.subscribe((e) => events.push(e), { afterId, onGap: (g) => gaps.push(g) });
  return { events, gaps, stop };
}

describe('createMemoryBridgeHub', () => {
  it('stores once per idempotency key and answers a repeat with the first id', async () => {
    const hub = createMemoryBridgeHub();
    const first = await hub.publish({ channel: 'a', message: 'x' }, { idempotencyKey: 'k' });
    const again = await hub.publish({ channel: 'a', message: 'different' }, { idempotencyKey: 'k' });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(again).toEqual({ ok: true, id: (first as { id: string }).id, duplicate: true });
    expect(hub.events().map((e) => e.message)).toEqual(['x']);
    expect(hub.stats()).toMatchObject({ stored: 1, duplicates: 1, keys: 1 });
  });

  it('forgets the oldest key when the key store is full (a repeat of it is stored again)', async () => {
    const hub = createMemoryBridgeHub({ maxIdempotencyKeys: 2 });
    for (const key of ['a', 'b', 'c']) await hub.publish({ channel: 'k', message: key }, { idempotencyKey: key });
    expect(hub.stats()).toMatchObject({ keys: 2, keysEvicted: 1 });
    expect(await hub.publish({ channel: 'k', message: 'b' }, { idempotencyKey: 'b' })).toMatchObject({
      duplicate: true,
    });
    expect(await hub.publish({ channel: 'k', message: 'a' }, { idempotencyKey: 'a' })).toMatchObject({
      duplicate: false,
    });
    expect(hub.events().map((e) => e.message)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('refuses what /api/push refuses, with what to fix', async () => {
    const hub = createMemoryBridgeHub();
    expect(await hub.publish({ channel: 'a/b', message: 'x' }, {})).toEqual({
      ok: false,
      message: 'channel must be 1-64 characters of letters, digits, ".", "_", ":" or "-" (got "a/b")',
    });
    expect(await hub.publish({ channel: 'a' }, {})).toEqual({ ok: false, message: 'give a message, data, or both' });
    expect(await hub.publish({ channel: 'a', message: 'x', type: 'loud' }, {})).toMatchObject({ ok: false });
    expect(hub.stats()).toMatchObject({ stored: 0, invalid: 3 });
  });

  it('rejects while unavailable (a hub whose backend is down)', async () => {
    const hub = createMemoryBridgeHub();
    hub.setAvailable(false);
    await expect(hub.publish({ channel: 'a', message: 'x' }, {})).rejects.toThrow('hub unavailable');
    hub.setAvailable(true);
    await expect(hub.publish({ channel: 'a', message: 'x' }, {})).resolves.toMatchObject({ ok: true });
  });

  it('replays after a retained id exactly, then live; only the subscribed channels', async () => {
    const hub = createMemoryBridgeHub();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await hub.publish({ channel: i % 2 ? 'odd' : 'even', message: `m${i}` }, {});
      if (r.ok) ids.push(r.id);
    }
    const sub = collect(hub, ids[1]);
    await hub.publish({ channel: 'even', message: 'm4' }, {});
    expect(sub.events.map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    expect(sub.gaps).toEqual([]);
    const evens: string[] = [];
    hub.subscribe((e) => evens.push(e.message!), { afterId: ids[0], channels: ['even'] });
    expect(evens).toEqual(['m2', 'm4']);
    sub.stop();
    await hub.publish({ channel: 'even', message: 'm5' }, {});
    expect(sub.events).toHaveLength(3);
  });

  it('reports a gap before the retained events when the history no longer holds the id, or never did', async () => {
    const hub = createMemoryBridgeHub({ historySize: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await hub.publish({ channel: 'c', message: `m${i}` }, {});
      if (r.ok) ids.push(r.id);
    }
    const expired = collect(hub, ids[0]);
    expect(expired.gaps).toEqual([{ reason: 'expired', afterId: ids[0] }]);
    expect(expired.events.map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    const unknown = collect(hub, 'not-an-id');
    expect(unknown.gaps).toEqual([{ reason: 'unknown', afterId: 'not-an-id' }]);
    const exact = collect(hub, ids[2]);
    expect(exact.gaps).toEqual([]);
    expect(exact.events.map((e) => e.message)).toEqual(['m3', 'm4']);
  });
});
