// The server with --bridges against the real brokers (NATS JetStream 4222, RabbitMQ 5672, Mosquitto 1883):
// round trips both ways through /stream and /api/push, redeliveries not published twice, /health and /metrics.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { cleanupAfterEach, freePort, openEventSource, until } from '@ws/testing';
import mqtt from 'mqtt';
import { Connection } from 'rabbitmq-client';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/config/config.js';
import { json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';

const defer = cleanupAfterEach();
const auth = { authorization: `Bearer ${TOKEN}` };

/** A name unique to this run, for subjects, queues, exchanges, topics and channels. */
const unique = (prefix: string) =>
  `${prefix}${process.pid}x${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function serverWith(bridges: ConfigInput['bridges']) {
  const server = await startTestServer({ token: TOKEN, bridges });
  defer(() => server.close());
  await server.bridges.ready();
  return server;
}

async function health(url: string) {
  return json(await fetch(`${url}/health`));
}

/** A JSON-format stream on `channel`, opened. */
async function stream(url: string, channel: string) {
  const es = openEventSource(`${url}/stream?channel=${channel}&format=json`, { headers: auth });
  defer(() => es.es.close());
  await es.opened;
  return es;
}

describe('NATS JetStream bridge in the server', () => {
  it('ingests a subject into /stream and egresses /api/push to a subject, with the event id as Nats-Msg-Id', async () => {
    const root = unique('wss');
    const nc = await connect({ servers: '127.0.0.1:4222' });
    defer(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const name = unique('WSS');
    await jsm.streams.add({ name, subjects: [`${root}.>`], duplicate_window: 1_000_000_000 });
    defer(() => jsm.streams.delete(name).then(() => undefined));
    const server = await serverWith([
      {
        kind: 'nats',
        name: 'n1',
        url: '127.0.0.1:4222',
        ingest: { subjects: [`${root}.in.*`], stream: name, durable: unique('d'), channel: `${root}-{3}` },
        egress: { subject: `${root}.out.{channel}`, channels: [`${root}-out`] },
      },
    ]);
    const sse = await stream(server.url, `${root}-orders`);
    const h = headers();
    h.set('ws-type', 'success');
    await jetstream(nc).publish(`${root}.in.orders`, JSON.stringify({ order: 7 }), { headers: h, msgID: 'o-7' });
    await until(() => sse.messages.length === 1, WAIT_MS, 'the NATS message on /stream');
    const event = JSON.parse(sse.messages[0]?.data as string);
    expect(event).toMatchObject({ channel: `${root}-orders`, type: 'success', data: { order: 7 } });

    const pushed = await json(await post(`${server.url}/api/push`, { message: 'out', channel: `${root}-out` }, auth));
    const consumer = await jetstream(nc).consumers.get(name, { filter_subjects: `${root}.out.>` });
    const got = await consumer.next({ expires: WAIT_MS });
    expect(got?.subject).toBe(`${root}.out.${root}-out`);
    expect(got?.headers?.get('Nats-Msg-Id')).toBe(pushed.id);
    expect(got?.json()).toMatchObject({ id: pushed.id, message: 'out', channel: `${root}-out` });

    const body = await health(server.url);
    expect(body.status).toBe('ok');
    expect(body.bridges[0]).toMatchObject({ name: 'n1', broker: 'nats', status: 'up', ingest: { stored: 1 } });
    await until(async () => (await health(server.url)).bridges[0].egress.confirmed === 1, WAIT_MS, 'egress confirmed');
  });
});

describe('RabbitMQ bridge in the server', () => {
  it('ingests a queue into /stream, once per messageId, and egresses to an exchange', async () => {
    const root = unique('wsa');
    const rabbit = new Connection('amqp://guest:guest@127.0.0.1:5672');
    defer(() => rabbit.close());
    const producer = rabbit.createPublisher({ confirm: true });
    defer(() => producer.close());
    const server = await serverWith([
      {
        kind: 'amqp',
        name: 'a1',
        url: 'amqp://guest:guest@127.0.0.1:5672',
        ingest: {
          queue: `${root}.in`,
          bindings: [{ exchange: `${root}.src`, routingKey: 'in.#' }],
          channel: `${root}-{2}`,
        },
        egress: { exchange: `${root}.out`, routingKey: '{channel}', channels: [`${root}-out`] },
      },
    ]);
    defer(async () => {
      await rabbit.queueDelete({ queue: `${root}.in` });
      await rabbit.exchangeDelete({ exchange: `${root}.src` });
      await rabbit.exchangeDelete({ exchange: `${root}.out` });
    });
    const sse = await stream(server.url, `${root}-billing`);
    // The same messageId twice (a redelivery, or a producer retry): one event.
    for (const message of ['paid', 'paid']) {
      await producer.send({ exchange: `${root}.src`, routingKey: 'in.billing', messageId: 'inv-1' }, { message });
    }
    await producer.send({ exchange: `${root}.src`, routingKey: 'in.billing', messageId: 'inv-2' }, { message: 'next' });
    await until(() => sse.messages.length === 2, WAIT_MS, 'two events on /stream');
    await until(async () => (await health(server.url)).bridges[0].ingest.duplicates === 1, WAIT_MS, 'one duplicate');
    expect(sse.messages.map((m) => JSON.parse(m.data).message)).toEqual(['paid', 'next']);

    const got: { messageId?: string; body: unknown }[] = [];
    const queue = `${root}.sink`;
    const consumer = rabbit.createConsumer(
      {
        queue,
        queueOptions: { exclusive: true },
        exchanges: [{ exchange: `${root}.out`, type: 'topic', durable: true }],
        queueBindings: [{ exchange: `${root}.out`, queue, routingKey: '#' }],
      },
      (msg) => {
        got.push({ messageId: msg.messageId, body: msg.body });
      },
    );
    defer(() => consumer.close());
    const consumers = () =>
      rabbit.queueDeclare({ queue, passive: true }).then(
        (q) => q.consumerCount,
        () => 0,
      );
    await until(async () => (await consumers()) === 1, WAIT_MS, 'the sink queue consuming');
    const pushed = await json(await post(`${server.url}/api/push`, { message: 'out', channel: `${root}-out` }, auth));
    await until(() => got.length === 1, WAIT_MS, 'the pushed event on the exchange');
    expect(got[0]).toMatchObject({ messageId: pushed.id, body: { id: pushed.id, message: 'out' } });
  });
});

describe('MQTT bridge in the server', () => {
  it('ingests topics into /stream, once per message-id, and egresses to a topic', async () => {
    const root = unique('wsm');
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5, clientId: unique('t') });
    defer(() => client.endAsync());
    const server = await serverWith([
      {
        kind: 'mqtt',
        name: 'm1',
        url: 'mqtt://127.0.0.1:1883',
        ingest: { topics: [`${root}/in/#`], clientId: unique('in'), channel: `${root}-{3}` },
        egress: { topic: `${root}/out/{channel}`, channels: [`${root}-out`], clientId: unique('out') },
      },
    ]);
    const sse = await stream(server.url, `${root}-temp`);
    const props = { userProperties: { 'message-id': 't-1' } };
    for (let i = 0; i < 2; i++) await client.publishAsync(`${root}/in/temp`, '21.5', { qos: 1, properties: props });
    await client.publishAsync(`${root}/in/temp`, '22', { qos: 1 });
    await until(() => sse.messages.length === 2, WAIT_MS, 'two events on /stream');
    expect(sse.messages.map((m) => JSON.parse(m.data).data)).toEqual([21.5, 22]);
    await until(async () => (await health(server.url)).bridges[0].ingest.duplicates === 1, WAIT_MS, 'one duplicate');

    const got: { topic: string; body: string }[] = [];
    client.on('message', (topic, payload) => got.push({ topic, body: payload.toString() }));
    await client.subscribeAsync(`${root}/out/#`, { qos: 1 });
    const pushed = await json(await post(`${server.url}/api/push`, { message: 'out', channel: `${root}-out` }, auth));
    await until(() => got.length === 1, WAIT_MS, 'the pushed event on the topic');
    expect(got[0]?.topic).toBe(`${root}/out/${root}-out`);
    expect(JSON.parse(got[0]?.body as string)).toMatchObject({ id: pushed.id, message: 'out' });
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/webstream_bridge_up\{bridge="m1",broker="mqtt"\} 1/);
    expect(metrics).toMatch(/webstream_bridge_ingest_duplicates\{bridge="m1",broker="mqtt"\} 1/);
  });
});

describe('a bridge within its access patterns', () => {
  it('refuses (and counts) broker messages for channels outside its publish patterns', async () => {
    const root = unique('wsp');
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5, clientId: unique('t') });
    defer(() => client.endAsync());
    const server = await serverWith([
      {
        kind: 'mqtt',
        name: 'scoped',
        url: 'mqtt://127.0.0.1:1883',
        ingest: { topics: [`${root}/in/#`], clientId: unique('in'), channel: `${root}-{3}`, payload: 'text' },
        access: { publish: [`${root}-ok*`], subscribe: [] },
      },
    ]);
    const sse = await stream(server.url, `${root}-ok`);
    await client.publishAsync(`${root}/in/no`, 'not here', { qos: 1 });
    await client.publishAsync(`${root}/in/ok`, 'here', { qos: 1 });
    await until(() => sse.messages.length === 1, WAIT_MS, 'the allowed message');
    const { ingest } = (await health(server.url)).bridges[0];
    expect(ingest).toMatchObject({ stored: 1, rejected: 1 });
    expect(ingest.lastRejection.reason).toMatch(/may not publish on channel/);
  });
});

/** A private nats-server with JetStream on a free port (started later by the test), removed afterwards. */
async function privateNats() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ws-nats-'));
  let child: ChildProcess | undefined;
  defer(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    port,
    async start() {
      child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
      let nc: NatsConnection | undefined;
      await until(
        async () => {
          nc = await connect({ servers: `127.0.0.1:${port}` }).catch(() => undefined);
          return nc !== undefined;
        },
        WAIT_MS,
        'nats-server',
      );
      return nc as NatsConnection;
    },
  };
}

describe('egress while its broker is away', () => {
  it('holds the events published meanwhile and sends them, in order, once the broker is up', async () => {
    const nats = await privateNats();
    const server = await startTestServer({
      token: TOKEN,
      bridges: [{ kind: 'nats', name: 'later', url: `127.0.0.1:${nats.port}`, egress: { subject: 'out.{channel}' } }],
    });
    defer(() => server.close());
    const ids: string[] = [];
    for (const message of ['a', 'b', 'c'])
      ids.push((await json(await post(`${server.url}/api/push`, { message }, auth))).id);
    await until(async () => (await health(server.url)).bridges[0].egress.pending === 3, WAIT_MS, 'three held');
    const nc = await nats.start();
    defer(() => nc.close());
    await (await jetstreamManager(nc)).streams.add({ name: 'OUT', subjects: ['out.>'] });
    await until(async () => (await health(server.url)).bridges[0].egress.confirmed === 3, WAIT_MS, 'three confirmed');
    const consumer = await jetstream(nc).consumers.get('OUT');
    const got: string[] = [];
    for (let i = 0; i < 3; i++)
      got.push((await consumer.next({ expires: WAIT_MS }))?.headers?.get('Nats-Msg-Id') ?? '');
    expect(got).toEqual(ids);
    expect((await health(server.url)).status).toBe('ok');
  });
});

describe('a bridge whose broker is away', () => {
  it('reports degraded in /health and holds egress events (pending) instead of dropping them', async () => {
    const server = await startTestServer({
      token: TOKEN,
      bridges: [{ kind: 'nats', name: 'away', url: '127.0.0.1:1', egress: { subject: 'x.{channel}' } }],
    });
    defer(() => server.close());
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe('degraded');
    expect(body.error).toMatch(/away \(connecting\)/);
    for (const message of ['a', 'b', 'c']) await post(`${server.url}/api/push`, { message }, auth);
    await until(async () => (await health(server.url)).bridges[0].egress.pending === 3, WAIT_MS, 'three held');
  });
});
