import type {
  ConsoleEntry,
  ErrorGroup,
  NetworkFailure,
  PageSession,
  ProxyMapInput,
  ProxyMapping,
  ProxyRequestRecord,
  ReplInput,
  ReplResponse,
  TimelineEntry,
} from '@ws/events';
import type { Outcome } from './webstreamApi.js';

/** Status classes a request filter takes (`failed`: connection errors, timeouts; `pending`: in flight). */
export const REQUEST_STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'failed', 'pending'] as const;
export type RequestStatusClass = (typeof REQUEST_STATUS_CLASSES)[number];

/** Which proxy records to list (newest first); all optional, combined with AND. */
export interface RequestQuery {
  status?: RequestStatusClass[] | undefined;
  method?: string | undefined;
  /** A substring of the path and query. */
  url?: string | undefined;
  processId?: string | undefined;
  /** Milliseconds since the epoch. */
  since?: number | undefined;
  limit?: number | undefined;
}

/** Which console lines to list (newest first). */
export interface ConsoleQuery {
  /** This level and more severe. */
  level?: ConsoleEntry['level'] | undefined;
  sessionId?: string | undefined;
  processId?: string | undefined;
  /** Milliseconds since the epoch. */
  since?: number | undefined;
  limit?: number | undefined;
}

/** Which failed page requests to list (newest first). */
export interface NetworkQuery {
  sessionId?: string | undefined;
  processId?: string | undefined;
  /** The proxy record id. */
  requestId?: string | undefined;
  limit?: number | undefined;
}

/** The window of the timeline (ms since the epoch); default the last 5 minutes. */
export interface TimelineQuery {
  processId?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit?: number | undefined;
}

/**
 * The browser half of the dev supervisor (issue 12): proxies in front of dev servers and their records,
 * page telemetry, the REPL routed to one tab, the timeline. Present when dev processes are.
 */
export interface BrowserApi {
  mappings(): Promise<Outcome<ProxyMapping[]>>;
  /** A fixed mapping (an existing one for the same target is returned as it is). */
  map(input: ProxyMapInput): Promise<Outcome<ProxyMapping>>;
  unmap(target: string): Promise<Outcome<ProxyMapping>>;
  requests(query: RequestQuery): Promise<Outcome<ProxyRequestRecord[]>>;
  sessions(): Promise<Outcome<PageSession[]>>;
  errors(): Promise<Outcome<ErrorGroup[]>>;
  console(query: ConsoleQuery): Promise<Outcome<ConsoleEntry[]>>;
  /** Failed fetch/XHR the pages saw, with the proxy record id of each when known. */
  network(query: NetworkQuery): Promise<Outcome<NetworkFailure[]>>;
  /** Runs code in one page session; the answer comes back to this caller only. */
  repl(input: ReplInput): Promise<Outcome<ReplResponse>>;
  refresh(sessionId: string | undefined, timeoutMs?: number): Promise<Outcome<ReplResponse>>;
  navigate(sessionId: string | undefined, url: string): Promise<Outcome<ReplResponse>>;
  /** Log lines, proxied requests, page errors and console lines joined by time, oldest first. */
  timeline(query: TimelineQuery): Promise<Outcome<TimelineEntry[]>>;
}
