import type { McpServer } from '@modelcontextprotocol/server';
import { ProtocolErrorCode, type ServerNotification } from '@modelcontextprotocol/server';
import type { DevApi } from '../api/webstreamApi.js';
import { DEV_RESOURCES, rpcError } from './devProcessResources.js';
import type { SessionLevel } from './devProcessTools.js';
import { devNotification } from './logDelivery.js';

/** Window in which resource updates for one URI are merged into one notification. */
export const RESOURCE_UPDATE_COALESCE_MS = 250;

/**
 * Wires one MCP session to the dev events: every notification once (a process line as
 * `notifications/logs/new`, or as `notifications/message` once the client set a log level: see
 * {@link devNotification}), and `resources/subscribe` (of the dev resources and `moreResources`)
 * with coalesced `notifications/resources/updated {uri}`. Returns the function that detaches it.
 * `onError` is told about every notification that could not be sent (none is lost silently).
 */
export function attachDevSession(
  server: McpServer,
  dev: DevApi,
  onError: (what: string, error: unknown) => void = () => undefined,
  moreResources: readonly string[] = [],
  level: SessionLevel = () => undefined,
): () => void {
  const subscribable = [...DEV_RESOURCES, ...moreResources];
  const subscribed = new Set<string>();
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const low = server.server;

  low.setRequestHandler('resources/subscribe', async (request) => {
    const { uri } = request.params;
    if (!subscribable.includes(uri))
      throw rpcError(
        ProtocolErrorCode.InvalidParams,
        `cannot subscribe to ${uri}: subscribable resources are ${subscribable.join(', ')}`,
      );
    subscribed.add(uri);
    return {};
  });
  low.setRequestHandler('resources/unsubscribe', async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const flush = () => {
    timer = undefined;
    for (const uri of dirty)
      low.sendResourceUpdated({ uri }).catch((error: unknown) => onError(`resources/updated ${uri}`, error));
    dirty.clear();
  };
  const detach = dev.listen({
    event(e) {
      const notification = devNotification(e, level());
      if (notification)
        low.notification(notification as ServerNotification).catch((error: unknown) => onError(e.method, error));
    },
    resourceChanged(uri) {
      if (!subscribed.has(uri)) return;
      dirty.add(uri);
      if (timer === undefined) {
        timer = setTimeout(flush, RESOURCE_UPDATE_COALESCE_MS);
        timer.unref();
      }
    },
  });
  return () => {
    detach();
    if (timer) clearTimeout(timer);
  };
}
