import { DevChannel, DevEventSchema, ResourceUri } from '@ws/events';
import { EventSource } from 'eventsource';
import type { ApiClient } from './httpClient.js';
import type { DevApiListener, DevEventMessage } from './webstreamApi.js';

/** The dev events of a running server, from its `/stream` (the process, logs and errors channels). */
export interface RemoteEvents {
  listen(listener: DevApiListener): () => void;
  /** Resolves once the stream is open (or after `timeoutMs`, with false). */
  opened(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** The resources a dev event changes (as the server's own sessions are told). */
export function changedBy(event: DevEventMessage): ResourceUri[] {
  switch (event.method) {
    case 'notifications/process/started':
    case 'notifications/process/exited':
      return [ResourceUri.processesActive];
    case 'notifications/logs/new':
      return event.params.isError ? [ResourceUri.logsRecent, ResourceUri.logsErrors] : [ResourceUri.logsRecent];
    case 'notifications/error/detected':
      return [ResourceUri.logsErrors];
  }
}

/** The dev event an envelope of the `/stream` JSON format carries, if it carries one. */
function devEventOf(data: string): DevEventMessage | undefined {
  try {
    const parsed = DevEventSchema.safeParse((JSON.parse(data) as { data?: unknown }).data);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not JSON: nothing to relay
  }
}

/**
 * One EventSource on the server's dev channels, shared by every listener; it reconnects by itself and
 * resumes after the last id it saw. A `gap` from the server (this front fell behind) is reported to
 * `onGap`: the events it names were not relayed.
 */
export function createRemoteEvents(client: ApiClient, onGap: (detail: string) => void): RemoteEvents {
  const channels = Object.values(DevChannel)
    .map((c) => `channel=${c}`)
    .join('&');
  const source = new EventSource(`${client.url}/stream?${channels}&format=json`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as object), ...client.headers } }),
  });
  const listeners = new Set<DevApiListener>();
  let open = false;
  const waiting = new Set<() => void>();
  source.onopen = () => {
    open = true;
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  source.onmessage = (message) => {
    const event = devEventOf(message.data);
    if (!event) return;
    const changed = changedBy(event);
    for (const l of listeners) {
      l.event(event);
      for (const uri of changed) l.resourceChanged(uri);
    }
  };
  source.addEventListener('gap', (message) => onGap(message.data));
  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    opened(timeoutMs) {
      if (open) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = () => resolve(true);
        waiting.add(done);
        setTimeout(() => {
          waiting.delete(done);
          resolve(open);
        }, timeoutMs).unref();
      });
    },
    close: () => source.close(),
  };
}
