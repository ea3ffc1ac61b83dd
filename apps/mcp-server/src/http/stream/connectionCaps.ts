import type { Context } from 'hono';
import type { StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { RETRY_AFTER_SECONDS, retryLater } from '../problem.js';
import type { ClientRegistry } from './clientRegistry.js';

/**
 * Most channels (and types) one connection may filter on, at connect (`?channel=`) and after live
 * changes (`/api/connections/:id/subscriptions`, a `/ws` `subscribe`): past it the request or
 * message is refused with 400 and nothing changes.
 */
export const MAX_CHANNELS_PER_CONNECTION = 256;

/** The connection caps, shared by `/stream` and `/ws`: one registry per address, the hub's count overall. */
export interface ConnectionCaps {
  service: StreamService;
  clients: ClientRegistry;
  config: { maxConnections: number; maxConnectionsPerClient: number };
}

/**
 * The refusal for a new connection past a cap, or undefined: 429 past the per-address cap, 503 past
 * the server's (both JSON with Retry-After). SSE streams and WebSockets count together.
 */
export function capRefusal(c: Context<AppEnv>, { service, clients, config }: ConnectionCaps): Response | undefined {
  const { address } = c.get('client');
  if (clients.openFrom(address) >= config.maxConnectionsPerClient) {
    return retryLater(
      c,
      429,
      `too many streams from this client (limit ${config.maxConnectionsPerClient}) counting /stream and /ws together; close some or raise --max-connections-per-client`,
      RETRY_AFTER_SECONDS,
    );
  }
  if (service.hub.stats().clients >= config.maxConnections) {
    return retryLater(
      c,
      503,
      `connection limit reached (${config.maxConnections}) for /stream and /ws together; retry later or raise --max-connections`,
      RETRY_AFTER_SECONDS,
    );
  }
  return undefined;
}
