import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, type BridgeHub, createMemoryBridgeHub, createNatsBridge } from '../src/index.js';
import { type PrivateBroker, requireBroker, startPrivateNats, unique, waitFor } from './brokers.js';

const SHARED = '127.0.0.1:4222';

async function addStream(nc: NatsConnection, subjects: string[]): Promise<string> {
  const name = unique('WSBR');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects, duplicate_window: 120_000_000_000 });
  return name;
}

function publishWithId(
  nc: NatsConnection,
  subject: string,
  body: string,
  id?: string,
  extra: Record<string, string> = {},
) {
  const h = headers();
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return jetstream(nc).publish(subject, body, { headers: h, ...(id ? { msgID: id } : {}) });
}

/** Reads every message of a stream (an ephemeral consumer), up to `count`. */
async function readStream(nc: NatsConnection, stream: string, count: number) {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.consumers.add(stream, { ack_policy: AckPolicy.None });
  const consumer = await jetstream(nc).consumers.get(stream, info.name);
  const out: { subject: string; id: string | undefined; body: string; origin: string | undefined }[] = [];
  const batch = await consumer.fetch({ max_messages: count, expires: 5000 });
  for await (const m of batch) {
    out.push({
      subject: m.subject,
      id: m.headers?.get('Nats-Msg-Id'),
      body: m.string(),
      origin: m.headers?.get('ws-origin'),
    });
    if (out.length === count) break;
  }
  return out;
}

describe('NATS bridge (shared nats-server with JetStream at 127.0.0.1:4222)', () => {
  let nc: NatsConnection;
  const bridges: Bridge[] = [];
  beforeAll(async () => {
    await requireBroker(4222, 'nats-server');
    nc = await connect({ servers: SHARED });
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    await nc?.close();
  });

  it('ingests JSON envelopes, JSON and text into mapped channels, acking after the hub stored them', async () => {
    const root = unique('wsbr');
    const stream = await addStream(nc, [`${root}.>`]);
    const hub = createMemoryBridgeHub();
    const bridge = createNatsBridge(hub, {
      name: unique('in'),
      servers: SHARED,
      ingest: { subjects: [`${root}.>`], stream, channel: 'n.{2}' },
    });
    bridges.push(bridge);
    await bridge.ready();
    await publishWithId(nc, `${root}.orders`, JSON.stringify({ message: 'order 1', type: 'success' }), 'm1');
    await publishWithId(nc, `${root}.sensors`, JSON.stringify({ celsius: 21.5 }), 'm2', { 'ws-priority': 'high' });
    await publishWithId(nc, `${root}.logs`, 'plain text line', 'm3', { 'ws-type': 'warning' });
    await waitFor(() => hub.events().length === 3, 'three stored events');
    expect(
      hub.events().map(({ channel, type, priority, message, data }) => ({ channel, type, priority, message, data })),
    ).toEqual([
      { channel: 'n.orders', type: 'success', priority: 'normal', message: 'order 1', data: undefined },
      { channel: 'n.sensors', type: 'info', priority: 'high', message: undefined, data: { celsius: 21.5 } },
      { channel: 'n.logs', type: 'warning', priority: 'normal', message: 'plain text line', data: undefined },
    ]);
    const jsm = await jetstreamManager(nc);
    await waitFor(
      async () => (await jsm.consumers.info(stream, `webstream-${bridge.name}`)).num_ack_pending === 0,
      'all acked',
    );
    expect(bridge.state()).toMatchObject({
      status: 'up',
      ingest: { received: 3, stored: 3, duplicates: 0, rejected: 0 },
    });
  });

  it('terminates a message the hub refuses, reports it, and goes on', async () => {
    const root = unique('wsbr');
    const stream = await addStream(nc, [`${root}.>`]);
    const hub = createMemoryBridgeHub();
    const rejections: string[] = [];
    const bridge = createNatsBridge(hub, {
      name: unique('in'),
      servers: SHARED,
      ingest: { subjects: [`${root}.>`], stream, channel: 'bad' },
      onRejected: (r) => rejections.push(r.reason),
    });
    bridges.push(bridge);
    await bridge.ready();
    await publishWithId(nc, `${root}.x`, JSON.stringify({ message: 'hi', type: 'shouting' }), 'bad1');
    await publishWithId(nc, `${root}.x`, JSON.stringify({ message: 'fine' }), 'good1');
    await waitFor(() => hub.events().length === 1, 'the valid message stored');
    expect(hub.events()[0]?.message).toBe('fine');
    expect(rejections).toEqual(['type must be one of info, warning, error, success, custom (got "shouting")']);
    expect(bridge.state().ingest).toMatchObject({ rejected: 1, stored: 1, lastRejection: { messageId: 'bad1' } });
    const jsm = await jetstreamManager(nc);
    await waitFor(
      async () => (await jsm.consumers.info(stream, `webstream-${bridge.name}`)).num_ack_pending === 0,
      'nothing pending',
    );
  });

  it('dedupes a redelivery: stored, the answer lost, redelivered, stored once (with and without Nats-Msg-Id)', async () => {
    const root = unique('wsbr');
    const stream = await addStream(nc, [`${root}.>`]);
    const inner = createMemoryBridgeHub();
    let lose = 2;
    // The hub stores the message, then the bridge never hears so (as when a publish times out).
    const hub: BridgeHub = {
      subscribe: inner.subscribe,
      async publish(input, options) {
        const result = await inner.publish(input, options);
        if (lose-- > 0) throw new Error('answer lost');
        return result;
      },
    };
    const bridge = createNatsBridge(hub, {
      name: unique('in'),
      servers: SHARED,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      ingest: { subjects: [`${root}.>`], stream },
    });
    bridges.push(bridge);
    await bridge.ready();
    await publishWithId(nc, `${root}.a`, 'with id', 'dup-1');
    await publishWithId(nc, `${root}.a`, 'without id');
    await waitFor(() => bridge.state().ingest?.duplicates === 2, 'two redeliveries answered as duplicates');
    expect(inner.events().map((e) => e.message)).toEqual(['with id', 'without id']);
    expect(bridge.state().ingest).toMatchObject({ received: 4, stored: 0, duplicates: 2, retries: 2 });
    expect(inner.stats()).toMatchObject({ stored: 2, duplicates: 2 });
  });

  it('pauses while the hub cannot store (nak with backoff, nothing acked) and stores everything once it can', async () => {
    const root = unique('wsbr');
    const stream = await addStream(nc, [`${root}.>`]);
    const hub = createMemoryBridgeHub();
    const bridge = createNatsBridge(hub, {
      name: unique('in'),
      servers: SHARED,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      ingest: { subjects: [`${root}.>`], stream },
    });
    bridges.push(bridge);
    await bridge.ready();
    hub.setAvailable(false);
    for (let i = 0; i < 5; i++) await publishWithId(nc, `${root}.a`, `m${i}`, `p${i}`);
    await waitFor(() => (bridge.state().ingest?.retries ?? 0) >= 3, 'a few retries');
    expect(hub.events()).toHaveLength(0);
    expect(bridge.state().lastError?.message).toMatch(
      /^ingest: the hub did not store a message \(left with the broker\): hub unavailable/,
    );
    hub.setAvailable(true);
    await waitFor(() => hub.events().length === 5, 'all five stored');
    // A nak'd message comes back after the delay: it may be stored after later ones (README "Order").
    expect(
      hub
        .events()
        .map((e) => e.message)
        .sort(),
    ).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(bridge.state().ingest).toMatchObject({ stored: 5, duplicates: 0 });
  });

  it('publishes every hub event with Nats-Msg-Id = event id, and does not re-ingest its own messages', async () => {
    const root = unique('wsbr');
    const stream = await addStream(nc, [`${root}.>`]);
    const hub = createMemoryBridgeHub();
    const bridge = createNatsBridge(hub, {
      name: unique('both'),
      servers: SHARED,
      ingest: { subjects: [`${root}.>`], stream, channel: '{2}' },
      egress: { subject: `${root}.{channel}` },
    });
    bridges.push(bridge);
    await bridge.ready();
    await hub.publish({ channel: 'alerts', message: 'disk full', type: 'error', priority: 'high' }, {});
    await hub.publish({ channel: 'metrics', data: { cpu: 0.5 } }, {});
    await waitFor(() => bridge.state().egress?.confirmed === 2, 'two confirmed sends');
    const got = await readStream(nc, stream, 2);
    const events = hub.events();
    expect(got.map((m) => m.subject)).toEqual([`${root}.alerts`, `${root}.metrics`]);
    expect(got.map((m) => m.id)).toEqual(events.map((e) => e.id));
    expect(JSON.parse(got[0]!.body)).toEqual({
      id: events[0]!.id,
      timestamp: events[0]!.timestamp,
      channel: 'alerts',
      type: 'error',
      priority: 'high',
      message: 'disk full',
    });
    await waitFor(() => bridge.state().ingest?.echoes === 2, 'both echoes skipped');
    expect(hub.events()).toHaveLength(2);
    expect(bridge.state().egress).toMatchObject({ cursor: events[1]!.id, pending: 0, failures: 0 });
  });

  it('without a stream: core subscription in, core publish out (no JetStream involved)', async () => {
    const root = unique('wsbr');
    const hub = createMemoryBridgeHub();
    const out: string[] = [];
    const sub = nc.subscribe(`${root}.out.>`, {
      callback: (_, m) => {
        out.push(`${m.subject} ${m.headers?.get('Nats-Msg-Id')}`);
      },
    });
    const bridge = createNatsBridge(hub, {
      name: unique('core'),
      servers: SHARED,
      ingest: { subjects: [`${root}.in.*`], channel: '{3}' },
      egress: { subject: `${root}.out.{channel}`, jetstream: false },
    });
    bridges.push(bridge);
    await bridge.ready();
    await nc.flush();
    nc.publish(`${root}.in.chat`, JSON.stringify({ message: 'hello core' }));
    await waitFor(() => out.length === 1, 'the event egressed');
    const [event] = hub.events();
    expect(event).toMatchObject({ channel: 'chat', message: 'hello core' });
    expect(out).toEqual([`${root}.out.chat ${event!.id}`]);
    expect(bridge.state()).toMatchObject({ ingest: { stored: 1, withoutKey: 1, lost: 0 }, egress: { confirmed: 1 } });
    sub.unsubscribe();
  });

  it('keeps trying to connect while nothing answers, and stops when closed', async () => {
    const hub = createMemoryBridgeHub();
    const bridge = createNatsBridge(hub, {
      name: unique('nowhere'),
      servers: '127.0.0.1:1',
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      egress: {},
    });
    await waitFor(() => bridge.state().lastError !== undefined, 'a connection error recorded');
    expect(bridge.state().status).toBe('connecting');
    await hub.publish({ channel: 'c', message: 'kept' }, {});
    expect(bridge.state().egress).toMatchObject({ pending: 1, confirmed: 0 });
    const ready = bridge.ready();
    await bridge.close();
    await expect(ready).rejects.toThrow(/closed/);
    expect(bridge.state().status).toBe('closed');
  });
});

describe('NATS bridge across a restart of a private nats-server', () => {
  let broker: PrivateBroker;
  beforeAll(async () => {
    broker = await startPrivateNats();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('ingest: nothing lost, nothing stored twice when the server restarts mid-stream', async () => {
    const servers = `127.0.0.1:${broker.port}`;
    const producer = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const stream = await addStream(producer, ['ingest.>']);
    const hub = createMemoryBridgeHub({ publishDelayMs: 5 });
    const bridge = createNatsBridge(hub, {
      name: 'restart-in',
      servers,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      ingest: { subjects: ['ingest.>'], stream, ackWaitMs: 2000, prefetch: 16 },
    });
    await bridge.ready();
    const N = 300;
    for (let i = 0; i < N / 2; i++) await publishWithId(producer, 'ingest.a', `m${i}`, `id-${i}`);
    await waitFor(() => hub.events().length >= 40, 'ingest under way');
    const t0 = Date.now();
    await broker.stop();
    await waitFor(() => bridge.state().status === 'down', 'bridge down');
    await broker.start();
    await waitFor(() => bridge.state().status === 'up', 'bridge up again');
    const downMs = Date.now() - t0;
    for (let i = N / 2; i < N; i++) await publishWithId(producer, 'ingest.a', `m${i}`, `id-${i}`);
    await waitFor(() => hub.events().length >= N, `${N} stored events`, 60_000);
    const messages = hub.events().map((e) => e.message);
    expect(new Set(messages).size).toBe(N);
    expect(messages).toHaveLength(N);
    expect([...messages].sort()).toEqual(Array.from({ length: N }, (_, i) => `m${i}`).sort());
    const state = bridge.state();
    expect(state.reconnects).toBeGreaterThanOrEqual(1);
    expect(state.ingest!.stored).toBe(N);
    console.info(`[nats ingest restart] down ${downMs} ms; ingest ${JSON.stringify(state.ingest)}`);
    await bridge.close();
    await producer.close();
  });

  it('egress: every event reaches the stream once when the server restarts mid-stream', async () => {
    const servers = `127.0.0.1:${broker.port}`;
    const admin = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const stream = await addStream(admin, ['egress.>']);
    const hub = createMemoryBridgeHub();
    const bridge = createNatsBridge(hub, {
      name: 'restart-out',
      servers,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      egress: { subject: 'egress.{channel}', sendTimeoutMs: 2000 },
    });
    await bridge.ready();
    const N = 300;
    for (let i = 0; i < N / 2; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
    await broker.stop();
    await waitFor(() => bridge.state().status === 'down', 'bridge down');
    // Published while the server is down: egress keeps them pending and sends them after.
    for (let i = N / 2; i < N; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
    expect(bridge.state().egress!.pending).toBeGreaterThanOrEqual(N / 2);
    await broker.start();
    await waitFor(() => bridge.state().egress?.confirmed === N, `${N} confirmed`, 60_000);
    const jsm = await jetstreamManager(admin);
    expect((await jsm.streams.info(stream)).state.messages).toBe(N);
    const got = await readStream(admin, stream, N);
    const ids = hub.events().map((e) => e.id);
    // Every event once (JetStream drops a resent Nats-Msg-Id); a send that failed at the cut and was
    // resent can land after events sent behind it (README "Order": maxInFlight 1 keeps it strict).
    expect(got).toHaveLength(N);
    expect(got.map((m) => m.id).sort()).toEqual([...ids].sort());
    const moved = got.filter((m, i) => m.id !== ids[i]).length;
    console.info(
      `[nats egress restart] egress ${JSON.stringify(bridge.state().egress)}; ${moved} of ${N} out of id order`,
    );
    await bridge.close();
    await admin.close();
  });

  it('egress past maxPending while the server is down: reads history after, reports the gap when history lost events', async () => {
    const servers = `127.0.0.1:${broker.port}`;
    const admin = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const stream = await addStream(admin, ['bounded.>']);
    const hub = createMemoryBridgeHub({ historySize: 50 });
    const gaps: unknown[] = [];
    const bridge = createNatsBridge(hub, {
      name: 'bounded-out',
      servers,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      egress: { subject: 'bounded.{channel}', maxPending: 20 },
      onGap: (gap) => gaps.push(gap),
    });
    await bridge.ready();
    await broker.stop();
    await waitFor(() => bridge.state().status === 'down', 'bridge down');
    for (let i = 0; i < 100; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
    expect(bridge.state().egress).toMatchObject({ pending: 20, overflows: 1, catchingUp: true });
    await broker.start();
    // The 20 it held, then what the history (50 events) still has after them: e50..e99.
    await waitFor(() => bridge.state().egress?.confirmed === 70, '70 confirmed', 60_000);
    const got = await readStream(admin, stream, 70);
    const byId = new Map(hub.events().map((e) => [e.id, e.message]));
    expect(got.slice(0, 20).map((m) => JSON.parse(m.body).message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `e${i}`),
    );
    expect(got.slice(20).map((m) => byId.get(m.id!))).toEqual(Array.from({ length: 50 }, (_, i) => `e${i + 50}`));
    expect(gaps).toHaveLength(1);
    expect(bridge.state().egress).toMatchObject({
      gaps: 1,
      lastGap: { reason: 'expired' },
      catchingUp: false,
      pending: 0,
    });
    await bridge.close();
    await admin.close();
  });
});
