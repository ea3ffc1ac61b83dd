import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { createBackoff } from '../backoff.js';
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
import type { IngestCore } from '../ingestCore.js';
import type { IngestMapping } from '../ingestMapping.js';
import { ConnectionTracker } from '../state.js';
import { MqttLink, type MqttLinkEvents } from './mqttLink.js';

/** Default {@link MqttEgressOptions.topic}. */
export const DEFAULT_MQTT_TOPIC = 'webstream/{channel}';
/** Default {@link MqttIngestOptions.sessionExpirySeconds}. */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 86_400;
/** Default {@link MqttIngestOptions.receiveMaximum}. */
export const DEFAULT_RECEIVE_MAXIMUM = 32;
/** PUBACK reason code sent for a refused message (0x99, payload format invalid). */
const REFUSED = 0x99;

/** MQTT 5 ingest: a persistent session subscribed at QoS 1; each PUBACK sent only after the hub stored the message. */
export interface MqttIngestOptions extends IngestMapping {
  /** Topic filters (`+`, `#`; `$share/<group>/<filter>` to share them between instances). */
  topics: string[];
  /** Fixed, so the broker keeps the session (and queues QoS 1 messages) while the bridge is away. @default `webstream-<name>-in` */
  clientId?: string | undefined;
  /** How long the broker keeps the session after a disconnect. @default 86400 */
  sessionExpirySeconds?: number | undefined;
  /** QoS 1 messages the broker sends ahead of PUBACKs. @default 32 */
  receiveMaximum?: number | undefined;
}

/** MQTT 5 egress: every hub event published at QoS 1, user property `message-id` = event id. */
export interface MqttEgressOptions extends EgressCommonOptions {
  /** Topic template (`{channel}`, `{type}`, `{priority}`). @default 'webstream/{channel}' */
  topic?: string | undefined;
  /** Publish retained messages. @default false */
  retain?: boolean | undefined;
  /** @default `webstream-<name>-out` */
  clientId?: string | undefined;
}

/** Options of {@link createMqttBridge}. */
export interface MqttBridgeOptions extends BridgeCommonOptions {
  /** `mqtt://host:port` (or `mqtts://`, `ws://`...). */
  url: string;
  /** More `mqtt` client options (username, password, TLS...). Protocol 5, sessions and reconnects are the bridge's. */
  connection?: Omit<
    IClientOptions,
    'protocolVersion' | 'clean' | 'clientId' | 'reconnectPeriod' | 'customHandleAcks' | 'properties'
  >;
  ingest?: MqttIngestOptions | undefined;
  egress?: MqttEgressOptions | undefined;
}

function userProperties(packet: IPublishPacket): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(packet.properties?.userProperties ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k.toLowerCase()] = first;
  }
  return out;
}

function inbound(topic: string, payload: Buffer, packet: IPublishPacket) {
  const headers = userProperties(packet);
  return { source: topic, separator: '/' as const, headers, body: payload, nativeId: headers['message-id'] };
}

/**
 * Creates an MQTT 5 bridge on `mqtt` (MQTT.js). Ingest holds each QoS 1 PUBACK until the hub
 * stored the message (MQTT.js `customHandleAcks`); when the hub fails it drops the connection, so
 * the broker redelivers the unacknowledged message on the resumed session. The user property
 * `message-id` is the idempotency key. Egress publishes at QoS 1 and counts a send once PUBACKed.
 */
export function createMqttBridge(hub: BridgeHub, options: MqttBridgeOptions): Bridge {
  const ids = commonDefaults(options);
  const { name } = ids;
  requireDirection(name, options.ingest, options.egress);
  if (options.ingest && !(options.ingest.topics?.length > 0)) {
    throw new BridgeError('invalid_option', `bridge ${name}: ingest.topics must name at least one topic filter`);
  }
  const tracker = new ConnectionTracker();
  const ready = deferred();
  const links: MqttLink[] = [];
  const up = new Set<MqttLink>();
  let egress: EgressCore | undefined;
  const events: LinkEventsFactory = (link, onConnect) => ({
    onConnect: (client, connack) => {
      up.add(link());
      onConnect(client, connack.sessionPresent);
    },
    onDown: () => {
      up.delete(link());
      tracker.set('down');
      egress?.setReady(false);
    },
    onError: (error) => tracker.error(error),
  });
  const allUp = () => {
    if (up.size !== links.length) return;
    tracker.set('up');
    ready.resolve();
  };
  const ingest = ingestCoreFor(hub, options, ids, options.ingest, tracker);
  if (ingest) links.push(mqttIngestLink(options, name, ingest, tracker, events, allUp));
  if (options.egress) {
    const egressLink: MqttLink = new MqttLink(
      options.url,
      {
        ...options.connection,
        protocolVersion: 5,
        clean: true,
        clientId: options.egress.clientId ?? `webstream-${name}-out`,
      },
      createBackoff(options.reconnect),
      events(
        () => egressLink,
        () => {
          egress?.setReady(true);
          allUp();
        },
      ),
    );
    links.push(egressLink);
    egress = mqttEgress(hub, egressLink, options, ids.origin, tracker);
    egress.start();
  }
  for (const link of links) link.start();
  return bridgeHandle({
    name,
    broker: 'mqtt',
    tracker,
    ready,
    ingest,
    egress,
    async shutdown() {
      await Promise.all(links.map((l) => l.close()));
    },
  });
}

type LinkEventsFactory = (
  link: () => MqttLink,
  onConnect: (client: MqttClient, sessionPresent: boolean) => void,
) => MqttLinkEvents;

function mqttIngestLink(
  options: MqttBridgeOptions,
  name: string,
  core: IngestCore,
  tracker: ConnectionTracker,
  events: LinkEventsFactory,
  allUp: () => void,
): MqttLink {
  const ingestOptions = options.ingest!;
  const link: MqttLink = new MqttLink(
    options.url,
    {
      ...options.connection,
      protocolVersion: 5,
      clean: false,
      clientId: ingestOptions.clientId ?? `webstream-${name}-in`,
      properties: {
        sessionExpiryInterval: ingestOptions.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS,
        receiveMaximum: ingestOptions.receiveMaximum ?? DEFAULT_RECEIVE_MAXIMUM,
      },
      // Called for every QoS 1/2 message; MQTT.js reads no further packet until `done` is called.
      customHandleAcks: (topic, payload, packet, done) => {
        const client = link.current;
        core
          .handle(inbound(topic, payload, packet))
          .then((outcome) => {
            if (client !== link.current) return; // that connection is gone: the broker redelivers
            if (outcome.action === 'ack') done(0);
            else if (outcome.action === 'reject') done(REFUSED);
            else link.recycle(outcome.delayMs);
          })
          .catch((error) => tracker.error(`ingest: ${String(error?.message ?? error)}`));
      },
    },
    createBackoff(options.reconnect),
    events(
      () => link,
      (client) => {
        // QoS 0 messages have no acknowledgement: a failure to store one is counted as lost.
        client.on('message', (topic, payload, packet) => {
          if (packet.qos !== 0) return;
          void core.handle(inbound(topic, payload, packet)).then((o) => o.action === 'retry' && core.lost());
        });
        // Subscribing again on a resumed session is harmless and picks up changed topics.
        client.subscribe(ingestOptions.topics, { qos: 1 }, (error, granted) => {
          const refused = granted?.filter((g) => g.qos === 128) ?? [];
          if (error || refused.length > 0) {
            tracker.error(
              `ingest: subscribe failed: ${error?.message ?? `refused ${refused.map((g) => g.topic).join(', ')}`}`,
            );
            link.recycle(createBackoff(options.reconnect).next());
          } else allUp();
        });
      },
    ),
  );
  return link;
}

function mqttEgress(
  hub: BridgeHub,
  link: MqttLink,
  options: MqttBridgeOptions,
  origin: string,
  tracker: ConnectionTracker,
): EgressCore {
  const egress = options.egress!;
  const timeoutMs = egress.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return createEgressCore({
    hub,
    target: egress.topic ?? DEFAULT_MQTT_TOPIC,
    payload: egress.payload ?? 'envelope',
    origin,
    channels: egress.channels,
    maxPending: egress.maxPending,
    maxInFlight: egress.maxInFlight,
    startAfterId: egress.startAfterId,
    retryBackoff: options.reconnect,
    send: (m) =>
      timeLimit(
        link.withClient((client, settle) =>
          client.publish(
            m.target,
            Buffer.from(m.body),
            {
              qos: 1,
              retain: egress.retain ?? false,
              properties: {
                contentType: m.contentType,
                payloadFormatIndicator: true,
                userProperties: { ...m.headers, 'message-id': m.messageId },
              },
            },
            (error) => settle(error),
          ),
        ),
        timeoutMs,
        'MQTT PUBACK',
      ),
    onSendError: (message) => tracker.error(`egress: ${message}`),
    onGap: options.onGap,
    onCursor: egress.onCursor,
  });
}
