import { createRedisDeliveryRecords, type RedisBus } from '@ws/redis';
import { SseError } from '@ws/sse-core';
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
    // Redis away: "not now" (503, as a publish answers), never a 500.
    status: (id) =>
      records.status(id).catch((error: unknown) => {
        throw new SseError('backend_unavailable', `Redis is unavailable: ${(error as Error).message}`, {
          cause: error,
        });
      }),
  };
}
