export type { SseResponse, SseResponseOptions } from './adapters/fetch.js';
export { createSseResponse, DEFAULT_STREAM_HIGH_WATER_MARK } from './adapters/fetch.js';
export type { AdapterOptions } from './adapters/requestOptions.js';
export type {
  Bus,
  BusInput,
  BusListener,
  GapReason,
  History,
  LocalDelivery,
  PublishResult,
  ReplayResult,
} from './bus.js';
export type {
  CloseReason,
  Connection,
  OverflowPolicy,
  PrivateMessage,
  SinkConnection,
} from './connection.js';
export type { SseErrorCode } from './errors.js';
export { SseError } from './errors.js';
export type { HubEvent, Priority, PublishInput } from './event.js';
export { DEFAULT_CHANNEL, DEFAULT_TYPE, GAP_EVENT, PING_EVENT, REPLAYED_EVENT } from './event.js';
export type { SseEventFields } from './frame.js';
export { encodeFrame, formatComment, formatEvent, formatRetry } from './frame.js';
export type { GapDetail } from './gap.js';
export { LAST_EVENT_ID_PARAM, resolveLastEventId, SSE_HEADERS } from './headers.js';
export { DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat.js';
export type { EventFormatter, Hub, HubOptions, HubStats } from './hub.js';
export {
  createHub,
  DEFAULT_FLUSH_SLICE_MS,
  DEFAULT_FLUSH_THRESHOLD_BYTES,
  DEFAULT_FORMAT,
  DEFAULT_LIFETIME_JITTER,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_RETRY_MS,
} from './hub.js';
export type { MemoryBusOptions, MemoryBusStats } from './memoryBus.js';
export { createMemoryBus, DEFAULT_HISTORY_MAX_BYTES, DEFAULT_HISTORY_MAX_EVENTS } from './memoryBus.js';
export type { SseSink } from './sink.js';
export { compareStreamIds, createStreamIdGenerator, parseStreamId } from './streamId.js';
export type { SubscribeOptions } from './subscribeOptions.js';
export type { SubscribeQueryResult } from './subscribeQuery.js';
export { subscribeOptionsFromUrl } from './subscribeQuery.js';
export type { FilterNames, SubscriptionChange, SubscriptionState } from './subscriptionChange.js';
