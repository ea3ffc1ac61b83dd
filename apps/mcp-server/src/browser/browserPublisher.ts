import {
  type BrowserErrorDetected,
  BrowserResourceUri,
  type BrowserStreamData,
  type ConsoleEntry,
  DevChannel,
  type ErrorGroup,
  NotificationMethod,
  type ParsedPushInput,
  type ProxyRequestRecord,
} from '@ws/events';
import type { RequestStore } from '@ws/proxy';
import type { Telemetry, TelemetryEvent } from '@ws/telemetry';
import type { AnyResourceUri, DevEvent } from '../dev/devEvents.js';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';

/** Completed proxy records published to `/stream` per second; the rest are only in the store. */
export const REQUEST_EVENTS_PER_SECOND = 100;
/** Console lines published to `/stream` per second (over every page); the rest are only in the store. */
export const CONSOLE_EVENTS_PER_SECOND = 50;
/** Console entries read per store change (the newest; older ones of a burst are skipped for `/stream`). */
const CONSOLE_READ_LIMIT = 200;

/** Where the browser half's events go. */
export interface BrowserPublisherDeps {
  store: RequestStore;
  telemetry: Telemetry;
  stream: StreamService;
  /** MCP sessions: notifications and resource changes. */
  announce(event: DevEvent | undefined, changed: readonly AnyResourceUri[]): void;
  logger: Logger;
}

/** At most `perSecond` takes per wall-clock second. */
function budget(perSecond: number) {
  let second = 0;
  let used = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      used = 0;
    }
    return used++ < perSecond;
  };
}

/** The seed's `notifications/error/detected` params of a page error, with where it came from. */
export function browserErrorParams(group: ErrorGroup, sessionId: string): BrowserErrorDetected {
  const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : null);
  return {
    processId: group.processId ?? 'browser',
    error: {
      message: group.name ? `${group.name}: ${group.message}` : group.message,
      file: group.file ?? null,
      line: positive(group.line),
      column: positive(group.column),
      stack: group.stack || null,
    },
    source: 'browser',
    pageSessionId: sessionId,
    groupId: group.id,
    count: group.count,
    url: group.url,
  };
}

const requestType = (r: ProxyRequestRecord): ParsedPushInput['type'] =>
  r.failed || (r.status ?? 0) >= 500 ? 'error' : (r.status ?? 0) >= 400 ? 'warning' : 'info';
const consoleType = (e: ConsoleEntry): ParsedPushInput['type'] =>
  e.level === 'error' ? 'error' : e.level === 'warn' ? 'warning' : 'info';

/**
 * Sends the proxy's records and the collector's events to `/stream` (channels `proxy`, `browser`, and
 * `errors` for page errors) and to MCP sessions (`notifications/error/detected`, `resources/updated`).
 * Returns the function that stops it.
 */
export function wireBrowserPublisher(deps: BrowserPublisherDeps): () => void {
  const { stream, logger, announce } = deps;
  const publish = (input: Omit<ParsedPushInput, 'data'> & { data: BrowserStreamData | DevEvent }) =>
    stream
      .push(input as ParsedPushInput)
      .catch((error: unknown) =>
        logger.warn('could not publish a browser event to /stream', { channel: input.channel, error: String(error) }),
      );
  const requests = budget(REQUEST_EVENTS_PER_SECOND);
  const consoleLines = budget(CONSOLE_EVENTS_PER_SECOND);

  const offStore = deps.store.onChange((change) => {
    if (change.type === 'cleared') return announce(undefined, [BrowserResourceUri.proxyRequests]);
    announce(undefined, [BrowserResourceUri.proxyRequests]);
    const record = change.record as unknown as ProxyRequestRecord;
    if (change.type !== 'updated' || record.pending || !requests()) return;
    publish({
      channel: 'proxy',
      type: requestType(record),
      priority: 'low',
      message: `${record.method} ${record.url} ${record.failed ? (record.error?.kind ?? 'failed') : record.status} ${Math.round(record.durationMs ?? 0)} ms`,
      data: { kind: 'request', record },
    });
  });

  let lastConsoleId = 0;
  const onConsoleChange = () => {
    const fresh = deps.telemetry.consoleEntries({ afterId: lastConsoleId, limit: CONSOLE_READ_LIMIT });
    if (fresh.length === 0) return;
    lastConsoleId = Math.max(lastConsoleId, ...fresh.map((e) => e.id));
    if (fresh.some((e) => e.level === 'error')) announce(undefined, [BrowserResourceUri.telemetryConsoleErrors]);
    for (const entry of fresh.reverse()) {
      if (!consoleLines()) break;
      publish({
        channel: 'browser',
        type: consoleType(entry),
        priority: 'low',
        message: `console.${entry.level}: ${entry.text.slice(0, 500)}`,
        data: { kind: 'console', entry },
      });
    }
  };
  const offChange = deps.telemetry.onChange((stores) => {
    if (stores.has('sessions')) announce(undefined, [BrowserResourceUri.telemetrySessions]);
    if (stores.has('errors')) announce(undefined, [BrowserResourceUri.telemetryErrors]);
    if (stores.has('console')) onConsoleChange();
  });
  const offEvent = deps.telemetry.onEvent((event) => onTelemetryEvent(event, publish, announce));
  return () => {
    offStore();
    offChange();
    offEvent();
  };
}

type Publish = (input: Omit<ParsedPushInput, 'data'> & { data: BrowserStreamData | DevEvent }) => unknown;

function onTelemetryEvent(event: TelemetryEvent, publish: Publish, announce: BrowserPublisherDeps['announce']) {
  if (event.type === 'session-started' || event.type === 'session-ended') {
    const started = event.type === 'session-started';
    publish({
      channel: 'browser',
      type: 'info',
      priority: 'low',
      message: `page ${started ? 'opened' : 'closed'}: ${event.session.url}`,
      data: { kind: 'session', event: started ? 'started' : 'ended', session: event.session },
    });
  } else if (event.type === 'error') {
    const { group, sessionId } = event;
    const params = browserErrorParams(group, sessionId);
    const devEvent = { method: NotificationMethod.errorDetected, params } as DevEvent;
    announce(devEvent, []);
    const where = params.error.file
      ? ` at ${params.error.file}:${params.error.line ?? '?'}:${params.error.column ?? '?'}`
      : '';
    const message = `${params.error.message}${where} (page ${group.url}, ×${group.count})`;
    publish({ channel: DevChannel.errors, type: 'error', priority: 'high', message, data: devEvent });
    publish({
      channel: 'browser',
      type: 'error',
      priority: 'normal',
      message,
      data: { kind: 'error', group, sessionId },
    });
  }
}
