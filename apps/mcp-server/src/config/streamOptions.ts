import { DEFAULT_REDIS_MAX_LEN, DEFAULT_REDIS_STREAM } from '@ws/redis';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_HISTORY_MAX_EVENTS, DEFAULT_MAX_QUEUE_BYTES } from '@ws/sse-core';
import { z } from 'zod';
import { optional, whole, withDefault } from './optionSpec.js';

/** The SSE stream: replay, keep-alive, slow clients, and Redis for several instances. */
export const STREAM_OPTIONS = {
  /** Messages kept for replay in memory (`DEFAULT_HISTORY_MAX_EVENTS` of @ws/sse-core). Default: 1000. */
  historySize: withDefault(whole(0), DEFAULT_HISTORY_MAX_EVENTS, {
    arg: 'n',
    help: 'messages kept in memory for replay; with Redis, the stream keeps them',
  }),
  /** Interval of the keep-alive comment, in ms (`DEFAULT_HEARTBEAT_INTERVAL_MS` of @ws/sse-core). Default: 15000. */
  heartbeatMs: withDefault(whole(1000), DEFAULT_HEARTBEAT_INTERVAL_MS, {
    arg: 'ms',
    help: 'keep-alive comment (and /ws ping) interval, in ms',
  }),
  /**
   * Bytes one SSE client may have queued; past it its oldest frames are dropped, each dropped run
   * announced by a `gap` event (`DEFAULT_MAX_QUEUE_BYTES` of @ws/sse-core). Default: 524288.
   */
  maxQueueBytes: withDefault(whole(4096), DEFAULT_MAX_QUEUE_BYTES, {
    arg: 'n',
    help: 'bytes queued per SSE or WebSocket client; past it the oldest frames give way to a gap event',
  }),
  /** Redis URL (`redis://host:port`) to scale out over a Redis stream. Default: none: in memory. */
  redis: optional(z.string().regex(/^rediss?:\/\/\S+$/, 'must look like redis://host:port'), {
    arg: 'url',
    help: 'scale out over a Redis stream, e.g. redis://127.0.0.1:6379',
    defaultText: 'none: in memory',
    env: 'WEBSTREAM_REDIS_URL',
  }),
  /** Redis stream key (`DEFAULT_REDIS_STREAM` of @ws/redis). Default: webstream:events. */
  redisStream: withDefault(z.string().min(1, 'must not be empty'), DEFAULT_REDIS_STREAM, {
    arg: 'key',
    help: 'Redis stream key',
  }),
  /** Entries the Redis stream keeps, approximately (`DEFAULT_REDIS_MAX_LEN` of @ws/redis). Default: 10000. */
  redisMaxLen: withDefault(whole(10), DEFAULT_REDIS_MAX_LEN, {
    arg: 'n',
    help: 'entries the Redis stream keeps, approximately: the replay window with Redis',
  }),
};
