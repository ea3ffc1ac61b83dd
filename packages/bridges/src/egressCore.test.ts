import { describe, expect, it } from 'vitest';
import { waitFor } from '../test/brokers.js';
import { createEgressCore } from './egressCore.js';
import type { OutboundMessage } from './egressMapping.js';
import { createMemoryBridgeHub } from './memoryHub.js';
import type { EgressGap } from './state.js';

/** A broker stand-in: records sends; `fail` decides per message whether the send is refused. */
function broker(fail: (m: OutboundMessage, attempt: number) => boolean = () => false) {
  const sent: OutboundMessage[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxSeen = 0;
  const send = async (m: OutboundMessage) => {
    const n = (attempts.get(m.messageId) ?? 0) + 1;
    attempts.set(m.messageId, n);
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    if (fail(m, n)) throw new Error(`refused ${m.messageId}`);
    sent.push(m);
  };
  return { sent, send, attempts, maxInFlight: () => maxSeen };
}

const publishMany = async (hub: ReturnType<typeof createMemoryBridgeHub>, n: number, from = 0) => {
  for (let i = from; i < from + n; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
};
const fast = { initialDelayMs: 1, maxDelayMs: 5 };

describe('createEgressCore', () => {
  it('sends every event in id order, advances the cursor, and waits while not ready', async () => {
    const hub = createMemoryBridgeHub();
    const b = broker();
    const cursors: string[] = [];
    const core = createEgressCore({
      hub,
      target: 'ws.{channel}',
      payload: 'text',
      origin: 'o',
      send: b.send,
      onCursor: (id) => cursors.push(id),
    });
    core.start();
    await publishMany(hub, 5);
    expect(core.state.pending).toBe(5);
    expect(b.sent).toHaveLength(0);
    core.setReady(true);
    await waitFor(() => core.state.confirmed === 5, 'five confirmed');
    const ids = hub.events().map((e) => e.id);
    expect(b.sent.map((m) => m.messageId)).toEqual(ids);
    expect(b.sent.map((m) => [m.target, new TextDecoder().decode(m.body)])[0]).toEqual(['ws.c', 'e0']);
    expect(core.state).toMatchObject({ pending: 0, inFlight: 0, cursor: ids[4], failures: 0 });
    expect(cursors.at(-1)).toBe(ids[4]);
    core.close();
  });

  it('never has more than maxInFlight sends unconfirmed', async () => {
    const hub = createMemoryBridgeHub();
    const b = broker();
    const core = createEgressCore({ hub, target: 't', payload: 'envelope', origin: 'o', send: b.send, maxInFlight: 3 });
    core.start();
    core.setReady(true);
    await publishMany(hub, 20);
    await waitFor(() => core.state.confirmed === 20, 'all confirmed');
    expect(b.maxInFlight()).toBe(3);
    core.close();
  });

  it('resends a refused send after a backoff; the cursor waits for it', async () => {
    const hub = createMemoryBridgeHub();
    const errors: string[] = [];
    const b = broker((m, attempt) => m.body.length > 0 && new TextDecoder().decode(m.body) === 'e2' && attempt < 3);
    const core = createEgressCore({
      hub,
      target: 't',
      payload: 'text',
      origin: 'o',
      send: b.send,
      retryBackoff: fast,
      maxInFlight: 1,
      onSendError: (e) => errors.push(e),
    });
    core.start();
    core.setReady(true);
    await publishMany(hub, 5);
    await waitFor(() => core.state.confirmed === 5, 'all confirmed');
    expect(b.sent.map((m) => new TextDecoder().decode(m.body))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(core.state.failures).toBe(2);
    expect(errors).toHaveLength(2);
    core.close();
  });

  it('at maxPending lets go of the live stream and reads the rest from history: nothing lost, nothing twice', async () => {
    const hub = createMemoryBridgeHub({ historySize: 100 });
    const b = broker();
    const core = createEgressCore({ hub, target: 't', payload: 'text', origin: 'o', send: b.send, maxPending: 4 });
    core.start();
    await publishMany(hub, 10);
    expect(core.state).toMatchObject({ pending: 4, overflows: 1, catchingUp: true });
    core.setReady(true);
    await waitFor(() => core.state.confirmed === 10, 'all ten confirmed');
    expect(b.sent.map((m) => m.messageId)).toEqual(hub.events().map((e) => e.id));
    expect(core.state).toMatchObject({ gaps: 0, catchingUp: false, pending: 0 });
    await publishMany(hub, 2, 10);
    await waitFor(() => core.state.confirmed === 12, 'live again');
    core.close();
  });

  it('reports a gap when history no longer holds what it let go of, and sends what history still has', async () => {
    const hub = createMemoryBridgeHub({ historySize: 3 });
    const b = broker();
    const gaps: EgressGap[] = [];
    const core = createEgressCore({
      hub,
      target: 't',
      payload: 'text',
      origin: 'o',
      send: b.send,
      maxPending: 2,
      onGap: (g) => gaps.push(g),
    });
    core.start();
    await publishMany(hub, 10);
    core.setReady(true);
    await waitFor(() => core.state.confirmed === 5, 'held + retained confirmed');
    expect(b.sent.map((m) => new TextDecoder().decode(m.body))).toEqual(['e0', 'e1', 'e7', 'e8', 'e9']);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ reason: 'expired' });
    expect(core.state).toMatchObject({ gaps: 1, lastGap: gaps[0] });
    core.close();
  });

  it('starts after a given id from history, and rejects nonsense limits', async () => {
    const hub = createMemoryBridgeHub();
    await publishMany(hub, 3);
    const b = broker();
    const core = createEgressCore({
      hub,
      target: 't',
      payload: 'json',
      origin: 'o',
      send: b.send,
      startAfterId: hub.events()[0]!.id,
    });
    core.start();
    core.setReady(true);
    await waitFor(() => core.state.confirmed === 2, 'two after the start id');
    expect(b.sent.map((m) => new TextDecoder().decode(m.body))).toEqual(['"e1"', '"e2"']);
    core.close();
    expect(() =>
      createEgressCore({ hub, target: 't', payload: 'json', origin: 'o', send: b.send, maxPending: 0 }),
    ).toThrow('maxPending and maxInFlight must be >= 1 (got 0 and 64)');
  });
});
