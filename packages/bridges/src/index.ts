export type { AmqpBridgeOptions, AmqpEgressOptions } from './amqp/amqpBridge.js';
export { createAmqpBridge, DEFAULT_AMQP_EXCHANGE } from './amqp/amqpBridge.js';
export type { AmqpBinding, AmqpIngestOptions } from './amqp/amqpIngest.js';
export { DEFAULT_AMQP_PREFETCH } from './amqp/amqpIngest.js';
export type { Backoff, BackoffOptions } from './backoff.js';
export { createBackoff, DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS } from './backoff.js';
export type { Bridge, BridgeCommonOptions, EgressCommonOptions } from './bridge.js';
export { DEFAULT_SEND_TIMEOUT_MS } from './bridge.js';
export { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_PENDING } from './egressCore.js';
export type { EgressPayload, OutboundMessage } from './egressMapping.js';
export { HEADERS, mapOutbound } from './egressMapping.js';
export type { BridgeErrorCode } from './errors.js';
export { BridgeError } from './errors.js';
export type {
  BridgeEvent,
  BridgeGap,
  BridgeHub,
  BridgePriority,
  BridgePublishInput,
  BridgePublishOptions,
  BridgePublishResult,
  BridgeSubscribeOptions,
} from './hub.js';
export { DEFAULT_PUBLISH_TIMEOUT_MS } from './ingestCore.js';
export type { InboundMessage, IngestMapping, IngestPayload, MappedMessage, ValueSource } from './ingestMapping.js';
export { mapInbound, renderChannel } from './ingestMapping.js';
export type { MemoryBridgeHub, MemoryBridgeHubOptions, MemoryBridgeHubStats } from './memoryHub.js';
export { createMemoryBridgeHub, DEFAULT_MAX_IDEMPOTENCY_KEYS, DEFAULT_MEMORY_HISTORY_SIZE } from './memoryHub.js';
export type { MqttBridgeOptions, MqttEgressOptions, MqttIngestOptions } from './mqtt/mqttBridge.js';
export {
  createMqttBridge,
  DEFAULT_MQTT_TOPIC,
  DEFAULT_RECEIVE_MAXIMUM,
  DEFAULT_SESSION_EXPIRY_SECONDS,
} from './mqtt/mqttBridge.js';
export type { NatsBridgeOptions, NatsEgressOptions } from './nats/natsBridge.js';
export { createNatsBridge, DEFAULT_NATS_SUBJECT } from './nats/natsBridge.js';
export type { NatsIngestOptions } from './nats/natsIngest.js';
export { DEFAULT_ACK_WAIT_MS, DEFAULT_NATS_PREFETCH } from './nats/natsIngest.js';
export type { BridgeRejection, BridgeState, BridgeStatus, EgressGap, EgressState, IngestState } from './state.js';
export { validatePublishInput } from './validate.js';
