import { Connection, type Publisher } from 'rabbitmq-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, type BridgeHub, createAmqpBridge, createMemoryBridgeHub } from '../src/index.js';
import { type PrivateBroker, requireBroker, startPrivateRabbit, unique, waitFor } from './brokers.js';

const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const fast = { initialDelayMs: 50, maxDelayMs: 500 };

interface Received {
  routingKey: string;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  body: unknown;
}

/** A durable queue bound to `exchange` (declared topic, durable), collecting what arrives. */
function collect(rabbit: Connection, exchange: string, routingKey: string, queue = unique('wsbr.q.')) {
  const got: Received[] = [];
  const consumer = rabbit.createConsumer(
    {
      queue,
      queueOptions: { durable: true },
      exchanges: [{ exchange, type: 'topic', durable: true }],
      queueBindings: [{ exchange, queue, routingKey }],
    },
    (msg) => {
      got.push({ routingKey: msg.routingKey, messageId: msg.messageId, headers: msg.headers ?? {}, body: msg.body });
    },
  );
  consumer.on('error', () => {}); // a forced cancel when the queue is deleted at the end
  return { got, consumer, queue };
}

describe('AMQP bridge (shared RabbitMQ at 127.0.0.1:5672)', () => {
  let rabbit: Connection;
  let producer: Publisher;
  const bridges: Bridge[] = [];
  const queues: string[] = [];
  const exchanges: string[] = [];
  const consumers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    await requireBroker(5672, 'RabbitMQ');
    rabbit = new Connection(SHARED);
    await rabbit.onConnect(5000);
    producer = rabbit.createPublisher({ confirm: true });
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    await Promise.all(consumers.map((c) => c.close()));
    for (const queue of queues) await rabbit.queueDelete({ queue }).catch(() => {});
    for (const exchange of exchanges) await rabbit.exchangeDelete({ exchange }).catch(() => {});
    await producer?.close();
    await rabbit?.close();
  });

  const ingestBridge = async (hub: BridgeHub, extra: Partial<Parameters<typeof createAmqpBridge>[1]> = {}) => {
    const exchange = unique('wsbr.x.');
    const queue = unique('wsbr.in.');
    exchanges.push(exchange);
    queues.push(queue);
    const bridge = createAmqpBridge(hub, {
      name: unique('in'),
      url: SHARED,
      reconnect: fast,
      ingest: { queue, bindings: [{ exchange, routingKey: 'app.#' }], channel: '{2}' },
      ...extra,
    });
    bridges.push(bridge);
    await bridge.ready();
    return { bridge, exchange, queue };
  };

  it('ingests JSON, text and envelopes from a bound queue into mapped channels, acking after the hub stored them', async () => {
    const hub = createMemoryBridgeHub();
    const { bridge, exchange, queue } = await ingestBridge(hub);
    await producer.send(
      { exchange, routingKey: 'app.orders', messageId: 'a1' },
      { message: 'order 1', type: 'success' },
    );
    await producer.send(
      { exchange, routingKey: 'app.sensors.t', messageId: 'a2', headers: { 'ws-priority': 'high' } },
      { c: 21 },
    );
    await producer.send(
      { exchange, routingKey: 'app.logs', messageId: 'a3', headers: { 'WS-Type': 'warning' } },
      'a line',
    );
    await waitFor(() => hub.events().length === 3, 'three stored events');
    expect(
      hub.events().map(({ channel, type, priority, message, data }) => ({ channel, type, priority, message, data })),
    ).toEqual([
      { channel: 'orders', type: 'success', priority: 'normal', message: 'order 1', data: undefined },
      { channel: 'sensors', type: 'info', priority: 'high', message: undefined, data: { c: 21 } },
      { channel: 'logs', type: 'warning', priority: 'normal', message: 'a line', data: undefined },
    ]);
    await waitFor(
      async () => (await rabbit.queueDeclare({ queue, passive: true })).messageCount === 0,
      'queue drained',
    );
    expect(bridge.state()).toMatchObject({ status: 'up', ingest: { received: 3, stored: 3, duplicates: 0 } });
  });

  it('dead-letters a message the hub refuses (nack without requeue), reports it, and goes on', async () => {
    const hub = createMemoryBridgeHub();
    const { bridge, exchange } = await ingestBridge(hub);
    await producer.send({ exchange, routingKey: 'app.x', messageId: 'bad' }, { message: 'hi', priority: 'urgent' });
    await producer.send({ exchange, routingKey: 'app.x', messageId: 'good' }, { message: 'fine' });
    await waitFor(() => hub.events().length === 1, 'the valid one stored');
    expect(bridge.state().ingest).toMatchObject({
      rejected: 1,
      stored: 1,
      lastRejection: {
        messageId: 'bad',
        source: 'app.x',
        reason: 'priority must be one of low, normal, high (got "urgent")',
      },
    });
  });

  it('dedupes a redelivery: stored, the answer lost, requeued, redelivered, stored once', async () => {
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
    const { bridge, exchange } = await ingestBridge(hub);
    await producer.send({ exchange, routingKey: 'app.a', messageId: 'once' }, 'hello');
    await waitFor(() => bridge.state().ingest?.duplicates === 1, 'the redelivery answered as a duplicate');
    expect(inner.events().map((e) => e.message)).toEqual(['hello']);
    expect(bridge.state().ingest).toMatchObject({ received: 2, retries: 1, duplicates: 1, stored: 0 });
  });

  it('publishes every hub event with messageId = event id, confirmed, and skips its own echoes', async () => {
    const hub = createMemoryBridgeHub();
    const exchange = unique('wsbr.out.');
    const inQueue = unique('wsbr.in.');
    exchanges.push(exchange);
    queues.push(inQueue);
    const sink = collect(rabbit, exchange, 'ev.#');
    queues.push(sink.queue);
    consumers.push(sink.consumer);
    await waitFor(() => sink.consumer.queue === sink.queue, 'sink consumer');
    const bridge = createAmqpBridge(hub, {
      name: unique('both'),
      url: SHARED,
      reconnect: fast,
      ingest: { queue: inQueue, bindings: [{ exchange, routingKey: 'ev.#' }], channel: '{2}' },
      egress: { exchange, routingKey: 'ev.{channel}.{type}' },
    });
    bridges.push(bridge);
    await bridge.ready();
    await hub.publish({ channel: 'alerts', message: 'disk full', type: 'error' }, {});
    await hub.publish({ channel: 'metrics', data: { cpu: 0.5 } }, {});
    await waitFor(() => sink.got.length === 2, 'two messages in the sink queue');
    const events = hub.events();
    expect(sink.got.map((m) => [m.routingKey, m.messageId])).toEqual([
      ['ev.alerts.error', events[0]!.id],
      ['ev.metrics.info', events[1]!.id],
    ]);
    expect(sink.got[0]!.headers).toMatchObject({
      'ws-event-id': events[0]!.id,
      'ws-channel': 'alerts',
      'ws-type': 'error',
    });
    expect(sink.got[1]!.body).toEqual({
      id: events[1]!.id,
      timestamp: events[1]!.timestamp,
      channel: 'metrics',
      type: 'info',
      priority: 'normal',
      data: { cpu: 0.5 },
    });
    await waitFor(() => bridge.state().ingest?.echoes === 2, 'both echoes skipped');
    await waitFor(() => bridge.state().egress?.confirmed === 2, 'both sends confirmed');
    expect(hub.events()).toHaveLength(2);
    expect(bridge.state().egress).toMatchObject({ confirmed: 2, pending: 0, cursor: events[1]!.id, unroutable: 0 });
  });

  it('counts and reports an event the exchange routes nowhere (mandatory return)', async () => {
    const hub = createMemoryBridgeHub();
    const exchange = unique('wsbr.none.');
    exchanges.push(exchange);
    const bridge = createAmqpBridge(hub, { name: unique('out'), url: SHARED, egress: { exchange } });
    bridges.push(bridge);
    await bridge.ready();
    await hub.publish({ channel: 'void', message: 'nobody listens' }, {});
    await waitFor(() => bridge.state().egress?.unroutable === 1, 'one unroutable');
    expect(bridge.state().lastError?.message).toMatch(/unroutable: exchange ".*" routing key "void" reaches no queue/);
  });
});

describe('AMQP bridge across a restart of a private RabbitMQ node', () => {
  let broker: PrivateBroker;
  beforeAll(async () => {
    broker = await startPrivateRabbit();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('ingest and egress: nothing lost, nothing stored twice, every event delivered when the node restarts mid-stream', async () => {
    const url = `amqp://guest:guest@127.0.0.1:${broker.port}`;
    const rabbit = new Connection({ url, retryLow: 100, retryHigh: 500 });
    rabbit.on('error', () => {});
    const producer = rabbit.createPublisher({ confirm: true, maxAttempts: 20 });
    const inHub = createMemoryBridgeHub({ publishDelayMs: 60 });
    const outHub = createMemoryBridgeHub();
    const sink = collect(rabbit, 'out', '#', 'sink');
    sink.consumer.on('error', () => {});
    const ingest = createAmqpBridge(inHub, {
      name: 'restart-in',
      url,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      ingest: { queue: 'in', bindings: [{ exchange: 'src', routingKey: '#' }], prefetch: 16 },
    });
    const egress = createAmqpBridge(outHub, {
      name: 'restart-out',
      url,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      egress: { exchange: 'out', sendTimeoutMs: 3000 },
    });
    await Promise.all([ingest.ready(), egress.ready()]);
    const N = 200;
    const send = (i: number) =>
      producer.send({ exchange: 'src', routingKey: 'k', messageId: `id-${i}`, durable: true }, `m${i}`);
    for (let i = 0; i < N / 2; i++) await send(i);
    for (let i = 0; i < N / 2; i++) await outHub.publish({ channel: 'c', message: `e${i}` }, {});
    await waitFor(() => inHub.events().length >= 20, 'ingest under way');
    const t0 = Date.now();
    await broker.stop();
    await waitFor(() => ingest.state().status === 'down' && egress.state().status === 'down', 'both bridges down');
    for (let i = N / 2; i < N; i++) await outHub.publish({ channel: 'c', message: `e${i}` }, {});
    await broker.start();
    await waitFor(() => ingest.state().status === 'up' && egress.state().status === 'up', 'both bridges up', 60_000);
    const downMs = Date.now() - t0;
    for (let i = N / 2; i < N; i++) await send(i);
    await waitFor(() => inHub.events().length >= N, `${N} stored`, 60_000);
    await waitFor(() => egress.state().egress?.confirmed === N, `${N} confirmed`, 60_000);
    await waitFor(() => new Set(sink.got.map((m) => m.messageId)).size === N, `${N} distinct in the sink`, 30_000);
    const messages = inHub.events().map((e) => e.message);
    expect(messages).toHaveLength(N);
    expect([...messages].sort()).toEqual(Array.from({ length: N }, (_, i) => `m${i}`).sort());
    const ids = outHub.events().map((e) => e.id);
    const firstSeen = [...new Set(sink.got.map((m) => m.messageId))];
    // Every event at least once; a resend after the cut may land after later ones (README "Order").
    expect([...firstSeen].sort()).toEqual([...ids].sort());
    const moved = firstSeen.filter((id, i) => id !== ids[i]).length;
    console.info(
      `[amqp restart] down ${downMs} ms; ingest ${JSON.stringify(ingest.state().ingest)}; egress ${JSON.stringify(egress.state().egress)}; sink received ${sink.got.length} for ${N}, ${moved} out of id order`,
    );
    await Promise.all([ingest.close(), egress.close()]);
    await sink.consumer.close();
    await producer.close();
    await rabbit.close();
  });
});
