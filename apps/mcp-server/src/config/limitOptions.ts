import { DEFAULT_MAX_CONNECTIONS } from '@ws/sse-core';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_LIMIT } from '../limits/publishPolicy.js';
import { optional, positive, whole, withDefault } from './optionSpec.js';

/** Bounds on what clients may send and hold open. */
export const LIMIT_OPTIONS = {
  /** Largest request body in bytes (HTTP API and MCP over HTTP). Default: 65536. */
  maxBodyBytes: withDefault(whole(1), 64 * 1024, {
    arg: 'n',
    help: 'largest request body (and /ws message), in bytes',
  }),
  /** Most concurrent SSE and WebSocket connections (`DEFAULT_MAX_CONNECTIONS` of @ws/sse-core). Default: 10000. */
  maxConnections: withDefault(whole(1), DEFAULT_MAX_CONNECTIONS, {
    arg: 'n',
    help: 'most SSE and WebSocket connections',
  }),
  /** Most concurrent SSE and WebSocket connections from one client address. Default: 100. */
  maxConnectionsPerClient: withDefault(whole(1), 100, {
    arg: 'n',
    help: 'most SSE and WebSocket connections from one client address',
  }),
  /**
   * Publishes per second per address for anonymous remote publishers (no token, not on this machine;
   * token bucket refill). Trusted publishers follow `trustedRateLimit`. Default: 20.
   */
  rateLimit: withDefault(positive(), DEFAULT_RATE_LIMIT, {
    arg: 'perSecond',
    help: 'publishes per second per anonymous remote client address',
  }),
  /** Token bucket size: the burst an anonymous remote publisher may send at once. Default: 40. */
  rateBurst: withDefault(whole(1), DEFAULT_RATE_BURST, {
    arg: 'n',
    help: 'publish burst per anonymous remote client address',
  }),
  /**
   * Publishes per second for trusted publishers (the token's holders; loopback clients when no token
   * is set; stdio). Default: none: not limited.
   */
  trustedRateLimit: optional(positive(), {
    arg: 'perSecond',
    help: 'publishes per second for token holders and local clients',
    defaultText: 'none: not limited',
  }),
};
