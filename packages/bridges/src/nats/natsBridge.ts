import { jetstream } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { createBackoff, sleep } from '../backoff.js';
import {
  type Bridge,
  type BridgeCommonOptions,
  commonDefaults,
  DEFAULT_SEND_TIMEOUT_MS,
  deferred,
  type EgressCommonOptions,
  timeLimit,
} from '../bridge.js';
import { createEgressCore, type EgressCore } from '../egressCore.js';
import type { OutboundMessage } from '../egressMapping.js';
import { BridgeError } from '../errors.js';
import type { BridgeHub } from '../hub.js';
import { createIngestCore, type IngestCore } from '../ingestCore.js';
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
  const { name, origin } = commonDefaults(options);
  if (!options.ingest && !options.egress) {
    throw new BridgeError('invalid_option', `bridge ${name}: give ingest, egress, or both`);
  }
  if (options.ingest && !(options.ingest.subjects?.length > 0)) {
    throw new BridgeError('invalid_option', `bridge ${name}: ingest.subjects must name at least one subject`);
  }
  const tracker = new ConnectionTracker();
  const backoff = createBackoff(options.reconnect);
  const abort = new AbortController();
  const ready = deferred();
  const stops: (() => void)[] = [];
  let nc: NatsConnection | undefined;
  const ingest: IngestCore | undefined = options.ingest
    ? createIngestCore({
        hub,
        name,
        origin,
        mapping: options.ingest,
        publishTimeoutMs: options.publishTimeoutMs,
        retryBackoff: options.reconnect,
        onRejected: options.onRejected,
      })
    : undefined;
  const egress = options.egress ? natsEgress(hub, options.egress, origin, () => nc, tracker, options) : undefined;

  const run = async () => {
    try {
      nc = await connect({
        ...options.connection,
        servers: options.servers,
        name: options.connection?.name ?? `webstream-bridge-${name}`,
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectDelayHandler: () => backoff.next(),
      });
    } catch (error) {
      tracker.error(error);
      ready.reject(error as Error);
      return;
    }
    if (abort.signal.aborted) return void nc.close();
    tracker.set('up');
    void watchStatus(nc);
    egress?.setReady(true);
    egress?.start();
    if (!ingest) ready.resolve();
    else await ingestLoop(nc, ingest);
  };

  const watchStatus = async (conn: NatsConnection) => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        tracker.set('down');
        tracker.error(`disconnected from ${s.server}`);
        egress?.setReady(false);
      } else if (s.type === 'reconnect') {
        backoff.reset();
        tracker.set('up');
        egress?.setReady(true);
      } else if (s.type === 'error') tracker.error(s.error);
    }
  };

  const ingestLoop = async (conn: NatsConnection, core: IngestCore) => {
    const retry = createBackoff(options.reconnect);
    const ctx: NatsIngestContext = {
      core,
      signal: abort.signal,
      sleep: (ms) => sleep(ms, abort.signal),
      onReady: () => {
        retry.reset();
        ready.resolve();
      },
      onStop: (stop) => stops.push(stop),
    };
    const ingestOptions = options.ingest!;
    while (!abort.signal.aborted) {
      try {
        if (ingestOptions.stream)
          await runJetStreamIngest(conn, ingestOptions, ingestOptions.durable ?? `webstream-${name}`, ctx);
        else await runCoreIngest(conn, ingestOptions, ctx);
      } catch (error) {
        tracker.error(`ingest: ${errorMessage(error)}`);
      }
      if (!abort.signal.aborted) await sleep(retry.next(), abort.signal);
    }
  };

  void run();
  return {
    name,
    broker: 'nats',
    ready: () => ready.promise,
    state: () => ({
      name,
      broker: 'nats',
      status: tracker.status,
      since: tracker.since,
      reconnects: tracker.reconnects,
      lastError: tracker.lastError,
      ingest: ingest ? { ...ingest.state } : undefined,
      egress: egress ? { ...egress.state } : undefined,
    }),
    async close() {
      if (abort.signal.aborted) return;
      abort.abort();
      tracker.set('closed');
      ready.reject(new BridgeError('closed', `bridge ${name} closed`));
      egress?.close();
      for (const stop of stops) stop();
      await nc?.close();
    },
  };
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
  const send = async (m: OutboundMessage) => {
    const nc = connection();
    if (!nc) throw new Error('not connected');
    const h = headers();
    for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
    h.set('Nats-Msg-Id', m.messageId);
    h.set('Content-Type', m.contentType);
    if (egress.jetstream === false) {
      nc.publish(m.target, m.body, { headers: h });
      await timeLimit(nc.flush(), timeoutMs, 'NATS flush');
    } else {
      await jetstream(nc).publish(m.target, m.body, { msgID: m.messageId, headers: h, timeout: timeoutMs });
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
