export type {
  DeliveryAck,
  DeliveryRecipient,
  DeliveryRecord,
  RedisDeliveryRecords,
  RedisDeliveryRecordsOptions,
} from './deliveryRecords.js';
export { createRedisDeliveryRecords } from './deliveryRecords.js';
export type { RedisBus, RedisBusOptions, RedisBusState } from './redisBus.js';
export {
  createRedisBus,
  DEFAULT_BLOCK_MS,
  DEFAULT_LOCAL_DELIVERY_TIMEOUT_MS,
  DEFAULT_REDIS_MAX_LEN,
  DEFAULT_REDIS_STREAM,
} from './redisBus.js';
