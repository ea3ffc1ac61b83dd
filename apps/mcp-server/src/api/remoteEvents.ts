import {
  BrowserChannel,
  BrowserResourceUri,
  type BrowserStreamData,
  BrowserStreamDataSchema,
  DevChannel,
  DevEventSchema,
  ResourceUri,
} from '@ws/events';
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
export function changedBy(event: DevEventMessage): (ResourceUri | BrowserResourceUri)[] {
  switch (event.method) {
    case 'notifications/process/started':
    case 'notifications/process/exited':
      return [ResourceUri.processesActive];
    case 'notifications/logs/new':
      return event.params.isError ? [ResourceUri.logsRecent, ResourceUri.logsErrors] : [ResourceUri.logsRecent];
    case 'notifications/error/detected':
      return (event.params as { source?: string }).source === 'browser'
        ? [BrowserResourceUri.telemetryErrors]
        : [ResourceUri.logsErrors];
  }
}

/**
 * What an envelope of the `/stream` JSON format carries: a dev event (as sent, so a browser error keeps
 * its `source` and page session), or the resources a browser-channel message changes.
 */
function relayOf(data: string): { event?: DevEventMessage; changed: (ResourceUri | BrowserResourceUri)[] } | undefined {
  let envelope: { channel?: unknown; data?: unknown };
  try {
    envelope = JSON.parse(data) as typeof envelope;
  } catch {
    return undefined; // not JSON: nothing to relay
  }
  if (envelope.channel === BrowserChannel.proxy || envelope.channel === BrowserChannel.browser) {
    const parsed = BrowserStreamDataSchema.safeParse(envelope.data);
    return parsed.success ? { changed: browserChanges(parsed.data) } : undefined;
  }
  if (!DevEventSchema.safeParse(envelope.data).success) return undefined;
  const event = envelope.data as DevEventMessage;
  return { event, changed: changedBy(event) };
}

function browserChanges(data: BrowserStreamData): BrowserResourceUri[] {
  switch (data.kind) {
    case 'request':
      return [BrowserResourceUri.proxyRequests];
    case 'mapping':
      return [BrowserResourceUri.proxyMappings];
    case 'session':
      return [BrowserResourceUri.telemetrySessions];
    case 'console':
      return data.entry.level === 'error' ? [BrowserResourceUri.telemetryConsoleErrors] : [];
    case 'error':
      return [];
  }
}

/**
 * One EventSource on the server's dev channels, shared by every listener; it reconnects by itself and
 * resumes after the last id it saw. A `gap` from the server (this front fell behind) is reported to
 * `onGap`: the events it names were not relayed.
 */
export function createRemoteEvents(client: ApiClient, onGap: (detail: string) => void): RemoteEvents {
  const channels = [...Object.values(DevChannel), ...Object.values(BrowserChannel)]
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
    const relay = relayOf(message.data);
    if (!relay) return;
    for (const l of listeners) {
      if (relay.event) l.event(relay.event);
      for (const uri of relay.changed) l.resourceChanged(uri);
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
