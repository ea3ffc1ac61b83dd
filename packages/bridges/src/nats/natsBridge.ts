import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { type Backoff, createBackoff, sleep } from '../backoff.js';
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
import type { OutboundMessage } from '../egressMapping.js';
import { BridgeError } from '../errors.js';
import type { BridgeHub } from '../hub.js';
import { ConnectionTracker, errorMessage } from '../state.js';
import { type NatsIngestContext, type NatsIngestOptions, runCoreIngest, runJetStreamIngest } from './natsIngest.js';

/** Default {@link NatsEgressOptions.subject}. */
export const DEFAULT_NATS_SUBJECT = 'webstream.{channel}';

/** NATS egress: every hub event published on a subject, with `Nats-Msg-Id` = event id. */
export interface NatsEgressOptions extends EgressCommonOptions {
  /** Subject template (`{channel}`, `{type}`, `{priority}`). @default 'webstream.{channel}' */
  subject?: string | undefined;
  /**
   * Publish through JetStream: a send counts only once a stream stored it (its PubAck), and the
   * stream drops a resend of the same `Nats-Msg-Id` within its duplicate window. A stream must
   * capture the subjects. `false`: core publish, confirmed by a server round trip only (no storage).
   * @default true
   */
  jetstream?: boolean | undefined;
}

/** Options of {@link createNatsBridge}. */
export interface NatsBridgeOptions extends BridgeCommonOptions {
  /** `host:port` (or a list). */
  servers: string | string[];
  /** More `@nats-io/transport-node` connection options (auth, TLS, ...). Reconnection is the bridge's. */
  connection?: Omit<
    ConnectionOptions,
    'servers' | 'maxReconnectAttempts' | 'reconnectDelayHandler' | 'waitOnFirstConnect'
  >;
  ingest?: NatsIngestOptions | undefined;
  egress?: NatsEgressOptions | undefined;
}

/**
 * Creates a NATS bridge and starts connecting. Ingest reads a JetStream stream with a durable
 * consumer (ack after the hub stored the message; `Nats-Msg-Id`, else `<stream>:<seq>`, is the
 * idempotency key), or a core subscription when no stream is named. Egress publishes every hub
 * event (JetStream PubAck by default). Reconnects forever with backoff.
 */
export function createNatsBridge(hub: BridgeHub, options: NatsBridgeOptions): Bridge {
  const ids = commonDefaults(options);
  const { name } = ids;
  requireDirection(name, options.ingest, options.egress);
  if (options.ingest && !(options.ingest.subjects?.length > 0)) {
    throw new BridgeError('invalid_option', `bridge ${name}: ingest.subjects must name at least one subject`);
  }
  const tracker = new ConnectionTracker();
  const backoff = createBackoff(options.reconnect);
  const abort = new AbortController();
  const ready = deferred();
  const stops: (() => void)[] = [];
  let nc: NatsConnection | undefined;
  const ingest = ingestCoreFor(hub, options, ids, options.ingest, tracker);
  const egress = options.egress ? natsEgress(hub, options.egress, ids.origin, () => nc, tracker, options) : undefined;
  const link = { tracker, egress, backoff };

  const run = async () => {
    nc = await firstConnection(options, name, backoff, tracker, abort.signal);
    if (!nc) return;
    if (abort.signal.aborted) return void nc.close();
    tracker.set('up');
    void watchStatus(nc, link);
    egress?.setReady(true);
    if (!ingest) return ready.resolve();
    const ctx: NatsIngestContext = {
      core: ingest,
      signal: abort.signal,
      sleep: (ms) => sleep(ms, abort.signal),
      onReady: () => ready.resolve(),
      onStop: (stop) => stops.push(stop),
    };
    await ingestLoop(nc, options, name, ctx, tracker);
  };

  // Egress takes hub events from now on; they wait (bounded) until the first connection.
  egress?.start();
  void run();
  return bridgeHandle({
    name,
    broker: 'nats',
    tracker,
    ready,
    ingest,
    egress,
    async shutdown() {
      abort.abort();
      for (const stop of stops) stop();
      await nc?.close();
    },
  });
}

/** Connects, retrying with backoff until it works or the bridge closes (then `undefined`). */
async function firstConnection(
  options: NatsBridgeOptions,
  name: string,
  backoff: Backoff,
  tracker: ConnectionTracker,
  signal: AbortSignal,
): Promise<NatsConnection | undefined> {
  while (!signal.aborted) {
    try {
      return await connect({
        ...options.connection,
        servers: options.servers,
        name: options.connection?.name ?? `webstream-bridge-${name}`,
        maxReconnectAttempts: -1,
        reconnectDelayHandler: () => backoff.next(),
      });
    } catch (error) {
      tracker.error(error);
      await sleep(backoff.next(), signal);
    }
  }
  return undefined;
}

async function watchStatus(
  conn: NatsConnection,
  link: { tracker: ConnectionTracker; egress: EgressCore | undefined; backoff: Backoff },
): Promise<void> {
  for await (const s of conn.status()) {
    if (s.type === 'disconnect') {
      link.tracker.set('down');
      link.tracker.error(`disconnected from ${s.server}`);
      link.egress?.setReady(false);
    } else if (s.type === 'reconnect') {
      link.backoff.reset();
      link.tracker.set('up');
      link.egress?.setReady(true);
    } else if (s.type === 'error') link.tracker.error(s.error);
  }
}

/** Runs ingest, setting it up again (with backoff) whenever the consumer or subscription ends or fails. */
async function ingestLoop(
  conn: NatsConnection,
  options: NatsBridgeOptions,
  name: string,
  ctx: NatsIngestContext,
  tracker: ConnectionTracker,
): Promise<void> {
  const retry = createBackoff(options.reconnect);
  const ingest = options.ingest!;
  const onReady = ctx.onReady;
  const loopCtx = {
    ...ctx,
    onReady: () => {
      retry.reset();
      onReady();
    },
  };
  while (!ctx.signal.aborted) {
    try {
      if (ingest.stream) await runJetStreamIngest(conn, ingest, ingest.durable ?? `webstream-${name}`, loopCtx);
      else await runCoreIngest(conn, ingest, loopCtx);
    } catch (error) {
      tracker.error(`ingest: ${errorMessage(error)}`);
    }
    if (!ctx.signal.aborted) await ctx.sleep(retry.next());
  }
}

function natsEgress(
  hub: BridgeHub,
  egress: NatsEgressOptions,
  origin: string,
  connection: () => NatsConnection | undefined,
  tracker: ConnectionTracker,
  options: NatsBridgeOptions,
): EgressCore {
  const timeoutMs = egress.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  let js: { nc: NatsConnection; client: JetStreamClient } | undefined;
  const send = async (m: OutboundMessage) => {
    const nc = connection();
    if (!nc) throw new Error('not connected');
    if (js?.nc !== nc) js = { nc, client: jetstream(nc) };
    const h = headers();
    for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
    h.set('Nats-Msg-Id', m.messageId);
    h.set('Content-Type', m.contentType);
    if (egress.jetstream === false) {
      nc.publish(m.target, m.body, { headers: h });
      await timeLimit(nc.flush(), timeoutMs, 'NATS flush');
    } else {
      await js.client.publish(m.target, m.body, { msgID: m.messageId, headers: h, timeout: timeoutMs });
    }
  };
  return createEgressCore({
    hub,
    target: egress.subject ?? DEFAULT_NATS_SUBJECT,
    payload: egress.payload ?? 'envelope',
    origin,
    channels: egress.channels,
    maxPending: egress.maxPending,
    maxInFlight: egress.maxInFlight,
    startAfterId: egress.startAfterId,
    retryBackoff: options.reconnect,
    send,
    onSendError: (message) => tracker.error(`egress: ${message}`),
    onGap: options.onGap,
    onCursor: egress.onCursor,
  });
}
