import { createRedisDeliveryRecords, type RedisBus } from '@ws/redis';
import { ackerKey, ackRecordOf, type DeliveryStore } from './deliveryRecords.js';

/**
 * Delivery records in Redis, shared by every instance on one stream: keyed under the stream's key
 * and bounded by its `maxLen`, so a message's record lives as long as the message in the history.
 */
export function redisDeliveryStore(redis: RedisBus, stream: string, maxLen: number, maxAcks: number): DeliveryStore {
  const records = createRedisDeliveryRecords(redis.connection, { prefix: stream, maxMessages: maxLen, maxAcks });
  return {
    reached: (id, count, recipients) => records.reached(id, count, recipients),
    ack: (id, by, at) => records.ack(id, ackerKey(by), ackRecordOf(by, at)),
    status: (id) => records.status(id),
  };
}
