import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import { ResourceUri } from '@ws/events';
import { changedBy } from '../api/remoteEvents.js';
import type { DevApi, DevApiListener, DevEventMessage } from '../api/webstreamApi.js';

/** Where dev events come from: a `listen` that returns the function that stops listening. */
export type DevEventSource = (listener: DevApiListener) => () => void;

/**
 * The `_meta` key under which a `notifications/resources/updated` of the 2026-07-28 era carries the dev
 * notification that changed the resource (`{ method, params }`, as 2025-era sessions get it on its own).
 * `_meta` because clients keep it: SDK clients drop params a notification's schema does not name.
 */
export const DEV_EVENT_KEY = 'webstream/event';

/** One resource update of the 2026-07-28 era: the URI, and the dev event behind it when there is one. */
export type DevUpdate = (uri: string, event?: DevEventMessage) => void;

/**
 * Turns the dev events into resource updates: each event once per resource it changes (log lines
 * update logs://recent, error lines also logs://errors, process starts and exits processes://active,
 * detected errors logs://errors), and a change of the scripts as a plain update of scripts://available.
 * 2026-07-28 servers "MUST NOT send unrequested notification types", so dev events reach a client only
 * on a `subscriptions/listen` stream that asked for the resource. Returns the function that detaches.
 */
export function listenDevUpdates(listen: DevEventSource, update: DevUpdate): () => void {
  return listen({
    event(e) {
      for (const uri of changedBy(e)) update(uri, e);
    },
    resourceChanged(uri) {
      if (uri === ResourceUri.scriptsAvailable) update(uri);
    },
  });
}

/** The dev events of one process's dev API. */
export const devApiEvents =
  (dev: DevApi): DevEventSource =>
  (listener) =>
    dev.listen(listener);

/** The `_meta` of an update that carries `event`. */
export const devEventMeta = (event: DevEventMessage) => ({
  [DEV_EVENT_KEY]: event as unknown as Record<string, never>,
});

/** The `subscriptions/listen` event of one update (the SDK's listen router stamps the subscription id). */
export function updateEvent(uri: string, event?: DevEventMessage): ServerEvent {
  return {
    kind: 'resource_updated',
    uri,
    ...(event ? { params: { uri, _meta: devEventMeta(event) } } : {}),
  };
}

/**
 * The change-event bus of the 2026-07-28 `/mcp` endpoint: the dev events of `source` as resource updates
 * for every open `subscriptions/listen` stream. It listens to `source` only while a stream is open.
 */
export function devEventBus(source: DevEventSource | undefined): ServerEventBus {
  const listeners = new Set<(event: ServerEvent) => void>();
  let detach: (() => void) | undefined;
  const publish = (event: ServerEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // One broken stream must not stop the others; the SDK's router reports its own write errors.
      }
    }
  };
  return {
    publish,
    subscribe(listener) {
      listeners.add(listener);
      if (source && !detach) detach = listenDevUpdates(source, (uri, e) => publish(updateEvent(uri, e)));
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && detach) {
          detach();
          detach = undefined;
        }
      };
    },
  };
}
