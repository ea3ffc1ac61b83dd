import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, type BridgeHub, createMemoryBridgeHub, createMqttBridge } from '../src/index.js';
import { type PrivateBroker, requireBroker, startPrivateMosquitto, unique, waitFor } from './brokers.js';

const SHARED = 'mqtt://127.0.0.1:1883';
const fast = { initialDelayMs: 50, maxDelayMs: 500 };

async function client(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 100, ...options });
  c.on('error', () => {});
  return c;
}

function send(c: MqttClient, topic: string, body: string, props: Record<string, string> = {}) {
  return c.publishAsync(topic, body, { qos: 1, properties: { userProperties: props } });
}

interface Got {
  topic: string;
  id: string | undefined;
  body: string;
  props: Record<string, string | string[]>;
}

async function collector(url: string, filter: string, options: mqtt.IClientOptions = {}) {
  const got: Got[] = [];
  const c = await client(url, options);
  c.on('message', (topic, payload, packet) => {
    const props = packet.properties?.userProperties ?? {};
    got.push({ topic, id: props['message-id'] as string | undefined, body: payload.toString(), props });
  });
  await c.subscribeAsync(filter, { qos: 1 });
  return { got, client: c };
}

describe('MQTT bridge (shared Mosquitto at 127.0.0.1:1883)', () => {
  let producer: MqttClient;
  const bridges: Bridge[] = [];
  beforeAll(async () => {
    await requireBroker(1883, 'mosquitto');
    producer = await client(SHARED);
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    await producer?.endAsync();
  });

  const ingestBridge = async (hub: BridgeHub, root: string) => {
    const bridge = createMqttBridge(hub, {
      name: unique('in'),
      url: SHARED,
      reconnect: fast,
      ingest: { topics: [`${root}/#`], channel: 'm.{2}', sessionExpirySeconds: 60 },
    });
    bridges.push(bridge);
    await bridge.ready();
    return bridge;
  };

  it('ingests envelopes, JSON and text from QoS 1 topics into mapped channels', async () => {
    const hub = createMemoryBridgeHub();
    const root = unique('wsbr');
    const bridge = await ingestBridge(hub, root);
    await send(producer, `${root}/orders`, JSON.stringify({ message: 'order 1', type: 'success' }), {
      'message-id': 'q1',
    });
    await send(producer, `${root}/sensors/t1`, JSON.stringify({ celsius: 20 }), {
      'message-id': 'q2',
      'ws-priority': 'high',
    });
    await send(producer, `${root}/logs`, 'a line', { 'message-id': 'q3', 'ws-type': 'warning' });
    await waitFor(() => hub.events().length === 3, 'three stored events');
    expect(
      hub.events().map(({ channel, type, priority, message, data }) => ({ channel, type, priority, message, data })),
    ).toEqual([
      { channel: 'm.orders', type: 'success', priority: 'normal', message: 'order 1', data: undefined },
      { channel: 'm.sensors', type: 'info', priority: 'high', message: undefined, data: { celsius: 20 } },
      { channel: 'm.logs', type: 'warning', priority: 'normal', message: 'a line', data: undefined },
    ]);
    expect(bridge.state()).toMatchObject({ status: 'up', ingest: { received: 3, stored: 3, withoutKey: 0 } });
  });

  it('acknowledges a refused message with reason code 0x99, reports it, and goes on', async () => {
    const hub = createMemoryBridgeHub();
    const root = unique('wsbr');
    const bridge = await ingestBridge(hub, root);
    await send(producer, `${root}/x`, JSON.stringify({ message: '' }), { 'message-id': 'empty' });
    await send(producer, `${root}/x`, 'fine', { 'message-id': 'ok' });
    await waitFor(() => hub.events().length === 1, 'the valid one stored');
    expect(bridge.state().ingest).toMatchObject({
      rejected: 1,
      lastRejection: { messageId: 'empty', reason: 'message must be a non-empty string' },
    });
  });

  it('dedupes a redelivery: stored, the answer lost, connection dropped, redelivered on the resumed session, stored once', async () => {
    const inner = createMemoryBridgeHub();
    let lose = 1;
    const hub: BridgeHub = {
      subscribe: inner.subscribe,
      async publish(input, opts) {
        const result = await inner.publish(input, opts);
        if (lose-- > 0) throw new Error('answer lost');
        return result;
      },
    };
    const root = unique('wsbr');
    const bridge = await ingestBridge(hub, root);
    await send(producer, `${root}/a`, 'hello', { 'message-id': 'once' });
    await waitFor(() => bridge.state().ingest?.duplicates === 1, 'the redelivery answered as a duplicate');
    await waitFor(() => bridge.state().reconnects === 1, 'the reconnection counted');
    expect(inner.events().map((e) => e.message)).toEqual(['hello']);
    expect(bridge.state()).toMatchObject({
      status: 'up',
      ingest: { received: 2, retries: 1, duplicates: 1, stored: 0 },
    });
  });

  it('pauses while the hub cannot store (no PUBACK, reconnect with backoff) and stores everything once it can', async () => {
    const hub = createMemoryBridgeHub();
    const root = unique('wsbr');
    const bridge = await ingestBridge(hub, root);
    hub.setAvailable(false);
    for (let i = 0; i < 3; i++) await send(producer, `${root}/a`, `m${i}`, { 'message-id': `p${i}` });
    await waitFor(() => (bridge.state().ingest?.retries ?? 0) >= 2, 'a few retries');
    expect(hub.events()).toHaveLength(0);
    hub.setAvailable(true);
    await waitFor(() => hub.events().length === 3, 'all three stored');
    expect(hub.events().map((e) => e.message)).toEqual(['m0', 'm1', 'm2']);
    await waitFor(() => bridge.state().status === 'up', 'up again');
    expect(bridge.state().ingest).toMatchObject({ stored: 3, duplicates: 0 });
  });

  it('publishes every hub event at QoS 1 with message-id = event id, and skips its own echoes', async () => {
    const hub = createMemoryBridgeHub();
    const root = unique('wsbr');
    const sink = await collector(SHARED, `${root}/#`);
    const bridge = createMqttBridge(hub, {
      name: unique('both'),
      url: SHARED,
      reconnect: fast,
      ingest: { topics: [`${root}/#`], channel: '{2}', sessionExpirySeconds: 60 },
      egress: { topic: `${root}/{channel}/{type}` },
    });
    bridges.push(bridge);
    await bridge.ready();
    await hub.publish({ channel: 'alerts', message: 'disk full', type: 'error' }, {});
    await hub.publish({ channel: 'metrics', data: { cpu: 0.5 } }, {});
    await waitFor(() => sink.got.length === 2, 'two messages at the subscriber');
    const events = hub.events();
    expect(sink.got.map((m) => [m.topic, m.id])).toEqual([
      [`${root}/alerts/error`, events[0]!.id],
      [`${root}/metrics/info`, events[1]!.id],
    ]);
    expect(sink.got[0]!.props).toMatchObject({
      'ws-channel': 'alerts',
      'ws-type': 'error',
      'ws-event-id': events[0]!.id,
    });
    expect(JSON.parse(sink.got[1]!.body)).toMatchObject({ id: events[1]!.id, channel: 'metrics', data: { cpu: 0.5 } });
    await waitFor(() => bridge.state().ingest?.echoes === 2, 'both echoes skipped');
    await waitFor(() => bridge.state().egress?.confirmed === 2, 'both sends PUBACKed');
    expect(hub.events()).toHaveLength(2);
    expect(bridge.state().egress).toMatchObject({ confirmed: 2, pending: 0, cursor: events[1]!.id });
    await sink.client.endAsync();
  });
});

describe('MQTT bridge across a restart of a private Mosquitto', () => {
  let broker: PrivateBroker;
  beforeAll(async () => {
    broker = await startPrivateMosquitto();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('ingest: nothing lost, nothing stored twice when the broker restarts mid-stream', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const producer = await client(url, {
      clientId: 'restart-producer',
      clean: false,
      properties: { sessionExpiryInterval: 300 },
    });
    const hub = createMemoryBridgeHub({ publishDelayMs: 20 });
    const bridge = createMqttBridge(hub, {
      name: 'restart-in',
      url,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      ingest: { topics: ['in/#'], sessionExpirySeconds: 300 },
    });
    await bridge.ready();
    const N = 200;
    await Promise.all(
      Array.from({ length: N / 2 }, (_, i) => send(producer, 'in/a', `m${i}`, { 'message-id': `id-${i}` })),
    );
    await waitFor(() => hub.events().length >= 20, 'ingest under way');
    const t0 = Date.now();
    await broker.stop();
    await waitFor(() => bridge.state().status === 'down', 'bridge down');
    await broker.start();
    await waitFor(() => bridge.state().status === 'up', 'bridge up again');
    const downMs = Date.now() - t0;
    await Promise.all(
      Array.from({ length: N / 2 }, (_, i) =>
        send(producer, 'in/a', `m${i + N / 2}`, { 'message-id': `id-${i + N / 2}` }),
      ),
    );
    await waitFor(() => hub.events().length >= N, `${N} stored`, 60_000);
    const messages = hub.events().map((e) => e.message);
    expect(messages).toHaveLength(N);
    expect([...messages].sort()).toEqual(Array.from({ length: N }, (_, i) => `m${i}`).sort());
    console.info(`[mqtt ingest restart] down ${downMs} ms; ingest ${JSON.stringify(bridge.state().ingest)}`);
    await bridge.close();
    await producer.endAsync();
  });

  it('egress: every event reaches a persistent subscriber when the broker restarts mid-stream', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const sink = await collector(url, 'out/#', {
      clientId: 'restart-sink',
      clean: false,
      properties: { sessionExpiryInterval: 300 },
    });
    const hub = createMemoryBridgeHub();
    const bridge = createMqttBridge(hub, {
      name: 'restart-out',
      url,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      egress: { topic: 'out/{channel}', sendTimeoutMs: 3000 },
    });
    await bridge.ready();
    const N = 200;
    for (let i = 0; i < N / 2; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
    await broker.stop();
    await waitFor(() => bridge.state().status === 'down', 'bridge down');
    for (let i = N / 2; i < N; i++) await hub.publish({ channel: 'c', message: `e${i}` }, {});
    await broker.start();
    await waitFor(() => bridge.state().egress?.confirmed === N, `${N} confirmed`, 60_000);
    await waitFor(() => new Set(sink.got.map((m) => m.id)).size === N, `${N} distinct at the subscriber`, 30_000);
    const ids = hub.events().map((e) => e.id);
    const firstSeen = [...new Set(sink.got.map((m) => m.id))];
    // Every event at least once; a resend after the cut may land after later ones (README "Order").
    expect([...firstSeen].sort()).toEqual([...ids].sort());
    const moved = firstSeen.filter((id, i) => id !== ids[i]).length;
    console.info(
      `[mqtt egress restart] egress ${JSON.stringify(bridge.state().egress)}; subscriber got ${sink.got.length} for ${N}, ${moved} out of id order`,
    );
    await bridge.close();
    await sink.client.endAsync();
  });
});
