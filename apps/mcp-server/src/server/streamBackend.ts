import { createRedisBus, type RedisBus } from '@ws/redis';
import type { Config } from '../config/config.js';
import { redisDeliveryStore } from '../stream/redisDeliveryStore.js';
import { createRedisIdempotencyStore } from '../stream/redisIdempotency.js';
import { createStreamService, type PushResult, type StreamService } from '../stream/streamService.js';

/** Distinct acknowledgers counted per message. */
const MAX_ACKS_PER_MESSAGE = 10_000;

import type { Logger } from './logger.js';

/** How long start waits for Redis before serving anyway (publishing answers 503 until it is up). */
const REDIS_START_WAIT_MS = 3000;

/** The stream service on its bus: in memory, or on Redis with `--redis`. */
export async function createStreamBackend(
  config: Config,
  logger: Logger,
): Promise<{ service: StreamService; redis: RedisBus | undefined }> {
  const redis = config.redis ? await connectRedis(config, logger) : undefined;
  const service = createStreamService({
    historySize: redis ? config.redisMaxLen : config.historySize,
    bus: redis,
    // Under --redis, idempotency keys are shared: a retry that reaches another instance is not published twice.
    idempotency: redis && createRedisIdempotencyStore<PushResult>(redis.connection, config.redisStream),
    deliveryStore: redis && redisDeliveryStore(redis, config.redisStream, config.redisMaxLen, MAX_ACKS_PER_MESSAGE),
    maxAcksPerMessage: MAX_ACKS_PER_MESSAGE,
    // Instances sharing a token (or JWT secret) verify each other's connections' ack keys.
    ackSecret: config.token ?? config.jwtSecret,
    onError: (error) => logger.warn('delivery record not written to Redis', { error: String(error) }),
    hub: {
      maxConnections: config.maxConnections,
      heartbeatIntervalMs: config.heartbeatMs,
      maxQueueBytes: config.maxQueueBytes,
      onError: (error) => logger.error('hub error', { error: String(error) }),
    },
  });
  return { service, redis };
}

async function connectRedis(config: Config, logger: Logger): Promise<RedisBus> {
  let up = false;
  const redis = createRedisBus({
    url: config.redis as string,
    stream: config.redisStream,
    maxLen: config.redisMaxLen,
    onStateChange: (s) => {
      // Log transitions of `up` only: each connection reports its own steps.
      if (s.up === up) return;
      up = s.up;
      if (s.up) logger.info('redis connected', { ...s });
      else logger.warn('redis unavailable, reconnecting; publishing answers 503 meanwhile', { ...s });
    },
  });
  const ready = await Promise.race([
    redis.ready().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), REDIS_START_WAIT_MS).unref()),
  ]);
  if (!ready) logger.warn(`redis at ${config.redis} is not reachable yet; publishing answers 503 until it is`);
  return redis;
}
