import { Connection, type ConnectionOptions, type Consumer, type Publisher } from 'rabbitmq-client';
import { DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS, sleep } from '../backoff.js';
import {
  type Bridge,
  type BridgeCommonOptions,
  bridgeHandle,
  commonDefaults,
  DEFAULT_SEND_TIMEOUT_MS,
  deferred,
  type EgressCommonOptions,
  ingestCoreFor,
  requireDirection,
  timeLimit,
} from '../bridge.js';
import { createEgressCore, type EgressCore } from '../egressCore.js';
import { BridgeError } from '../errors.js';
import type { BridgeHub } from '../hub.js';
import { ConnectionTracker } from '../state.js';
import { type AmqpIngestOptions, startAmqpIngest } from './amqpIngest.js';

/** Default {@link AmqpEgressOptions.exchange}. */
export const DEFAULT_AMQP_EXCHANGE = 'webstream';

/** AMQP egress: every hub event published to an exchange with publisher confirms, `messageId` = event id. */
export interface AmqpEgressOptions extends EgressCommonOptions {
  /** @default 'webstream' */
  exchange?: string | undefined;
  /** Declared durable if missing. @default 'topic' */
  exchangeType?: 'topic' | 'direct' | 'fanout' | 'headers' | undefined;
  /** Routing key template (`{channel}`, `{type}`, `{priority}`). @default '{channel}' */
  routingKey?: string | undefined;
  /** Persistent messages (delivery mode 2): they survive a broker restart in durable queues. @default true */
  persistent?: boolean | undefined;
}

/** Options of {@link createAmqpBridge}. */
export interface AmqpBridgeOptions extends BridgeCommonOptions {
  /** `amqp://user:pass@host:port/vhost`. */
  url: string;
  /** More `rabbitmq-client` connection options (TLS, heartbeat, ...). Reconnection pacing is `reconnect`'s. */
  connection?: Omit<ConnectionOptions, 'url' | 'retryLow' | 'retryHigh'> | undefined;
  ingest?: AmqpIngestOptions | undefined;
  egress?: AmqpEgressOptions | undefined;
}

/**
 * Creates a RabbitMQ (AMQP 0-9-1) bridge on `rabbitmq-client`, which reconnects, re-declares and
 * re-consumes by itself. Ingest acks a delivery after the hub stored it (`messageId` is the
 * idempotency key), requeues it after a backoff when the hub fails, and nacks it without requeue
 * (dead-letter) when it can never be stored. Egress publishes with confirms and `mandatory`.
 */
export function createAmqpBridge(hub: BridgeHub, options: AmqpBridgeOptions): Bridge {
  const ids = commonDefaults(options);
  const { name } = ids;
  requireDirection(name, options.ingest, options.egress);
  if (options.ingest && !options.ingest.queue)
    throw new BridgeError('invalid_option', `bridge ${name}: ingest.queue is required`);
  const tracker = new ConnectionTracker();
  const abort = new AbortController();
  const ready = deferred();
  const rabbit = new Connection({
    ...options.connection,
    url: options.url,
    connectionName: options.connection?.connectionName ?? `webstream-bridge-${name}`,
    retryLow: options.reconnect?.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS,
    retryHigh: options.reconnect?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
  });
  const ingest = ingestCoreFor(hub, options, ids, options.ingest, tracker);
  let publisher: Publisher | undefined;
  const egress = options.egress
    ? amqpEgress(hub, rabbit, options, ids.origin, tracker, (p) => (publisher = p))
    : undefined;
  let consumer: Consumer | undefined;
  let pendingReady = (ingest ? 1 : 0) + (egress ? 1 : 0);
  const partReady = () => --pendingReady === 0 && ready.resolve();

  rabbit.on('connection', () => {
    tracker.set('up');
    egress?.setReady(true);
  });
  rabbit.on('error', (error) => {
    tracker.error(error);
    if (!rabbit.ready) {
      tracker.set('down');
      egress?.setReady(false);
    }
  });
  if (egress) {
    egress.start();
    void rabbit.onConnect().then(partReady, () => {});
  }
  if (ingest) {
    consumer = startAmqpIngest(rabbit, options.ingest!, ingest, (ms) => sleep(ms, abort.signal));
    consumer.once('ready', partReady);
    consumer.on('error', (error) => tracker.error(`ingest: ${String(error?.message ?? error)}`));
  }
  return bridgeHandle({
    name,
    broker: 'amqp',
    tracker,
    ready,
    ingest,
    egress,
    async shutdown() {
      abort.abort();
      await Promise.allSettled([consumer?.close(), publisher?.close()]);
      await rabbit.close();
    },
  });
}

function amqpEgress(
  hub: BridgeHub,
  rabbit: Connection,
  options: AmqpBridgeOptions,
  origin: string,
  tracker: ConnectionTracker,
  keep: (p: Publisher) => void,
): EgressCore {
  const egress = options.egress!;
  const exchange = egress.exchange ?? DEFAULT_AMQP_EXCHANGE;
  const timeoutMs = egress.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  let core: EgressCore | undefined;
  const publisher = rabbit.createPublisher({
    confirm: true,
    maxAttempts: 1,
    exchanges: [{ exchange, type: egress.exchangeType ?? 'topic', durable: true }],
  });
  // The broker returns a mandatory message it cannot route (before confirming it): counted, reported.
  publisher.on('basic.return', (msg) => {
    if (core) core.state.unroutable++;
    tracker.error(
      `egress: event ${msg.messageId} unroutable: exchange "${msg.exchange}" routing key "${msg.routingKey}" reaches no queue`,
    );
  });
  keep(publisher);
  core = createEgressCore({
    hub,
    target: egress.routingKey ?? '{channel}',
    payload: egress.payload ?? 'envelope',
    origin,
    channels: egress.channels,
    maxPending: egress.maxPending,
    maxInFlight: egress.maxInFlight,
    startAfterId: egress.startAfterId,
    retryBackoff: options.reconnect,
    send: (m) =>
      timeLimit(
        publisher.send(
          {
            exchange,
            routingKey: m.target,
            mandatory: true,
            durable: egress.persistent ?? true,
            messageId: m.messageId,
            contentType: m.contentType,
            headers: m.headers,
          },
          Buffer.from(m.body),
        ),
        timeoutMs,
        'AMQP publish',
      ),
    onSendError: (message) => tracker.error(`egress: ${message}`),
    onGap: options.onGap,
    onCursor: egress.onCursor,
  });
  return core;
}
