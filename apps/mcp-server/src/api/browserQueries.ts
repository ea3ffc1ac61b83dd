// The query strings of the browser `/api` routes, validated into the API's queries (or a message
// saying what to fix), and the other way for the remote API.
import { BROWSER_LIST_MAX_LIMIT } from '@ws/events';
import { CONSOLE_LEVEL_RANK } from '@ws/telemetry';
import {
  type ConsoleQuery,
  type NetworkQuery,
  REQUEST_STATUS_CLASSES,
  type RequestQuery,
  type RequestStatusClass,
  type TimelineQuery,
} from './browserApi.js';

type Params = Record<string, string | undefined>;
type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_TEXT = 2000;
const CONSOLE_LEVELS = Object.keys(CONSOLE_LEVEL_RANK) as ConsoleQuery['level'][];

/** A time as ms since the epoch, or an ISO-8601 time. */
export function timeParam(name: string, raw: string | undefined): Parsed<number | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const ms = /^\d{1,16}$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms)
    ? { ok: true, value: ms }
    : { ok: false, error: `${name} must be ms since the epoch or an ISO-8601 time` };
}

function limitParam(raw: string | undefined): Parsed<number | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > BROWSER_LIST_MAX_LIMIT)
    return { ok: false, error: `limit must be a whole number from 1 to ${BROWSER_LIST_MAX_LIMIT}` };
  return { ok: true, value: n };
}

function textParam(name: string, raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  return raw.length > MAX_TEXT
    ? { ok: false, error: `${name} must be at most ${MAX_TEXT} characters` }
    : { ok: true, value: raw };
}

/** `2xx,5xx,failed` as status classes. */
export function statusParam(raw: string | undefined): Parsed<RequestStatusClass[] | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const classes = raw.split(',').map((s) => s.trim().toLowerCase());
  const bad = classes.find((s) => !(REQUEST_STATUS_CLASSES as readonly string[]).includes(s));
  if (bad !== undefined)
    return {
      ok: false,
      error: `status must be a comma-separated list of ${REQUEST_STATUS_CLASSES.join(', ')} (got "${bad}")`,
    };
  return { ok: true, value: classes as RequestStatusClass[] };
}

/** Runs the parsers in order; the first error wins. */
function all<T extends object>(parts: { [K in keyof T]: Parsed<T[K]> }): Parsed<T> {
  const value = {} as T;
  for (const [key, part] of Object.entries(parts) as [keyof T, Parsed<T[keyof T]>][]) {
    if (!part.ok) return part;
    if (part.value !== undefined) value[key] = part.value;
  }
  return { ok: true, value };
}

/** `GET /api/proxy/requests?status=&method=&url=&processId=&since=&limit=`. */
export function requestQueryOf(q: Params): Parsed<RequestQuery> {
  const method = q.method === undefined || q.method === '' ? undefined : q.method;
  if (method !== undefined && !/^[A-Za-z]{1,20}$/.test(method))
    return { ok: false, error: 'method must be an HTTP method (GET, POST, ...)' };
  return all<RequestQuery>({
    status: statusParam(q.status),
    method: { ok: true, value: method?.toUpperCase() },
    url: textParam('url', q.url),
    processId: textParam('processId', q.processId),
    since: timeParam('since', q.since),
    limit: limitParam(q.limit),
  });
}

/** `GET /api/telemetry/console?level=&sessionId=&processId=&since=&limit=`. */
export function consoleQueryOf(q: Params): Parsed<ConsoleQuery> {
  const level = q.level === undefined || q.level === '' ? undefined : q.level;
  if (level !== undefined && !CONSOLE_LEVELS.includes(level as ConsoleQuery['level']))
    return { ok: false, error: `level must be one of ${CONSOLE_LEVELS.join(', ')}` };
  return all<ConsoleQuery>({
    level: { ok: true, value: level as ConsoleQuery['level'] },
    sessionId: textParam('sessionId', q.sessionId),
    processId: textParam('processId', q.processId),
    since: timeParam('since', q.since),
    limit: limitParam(q.limit),
  });
}

/** `GET /api/telemetry/network?sessionId=&processId=&requestId=&limit=`. */
export function networkQueryOf(q: Params): Parsed<NetworkQuery> {
  return all<NetworkQuery>({
    sessionId: textParam('sessionId', q.sessionId),
    processId: textParam('processId', q.processId),
    requestId: textParam('requestId', q.requestId),
    limit: limitParam(q.limit),
  });
}

/** `GET /api/timeline?processId=&since=&until=&limit=`. */
export function timelineQueryOf(q: Params): Parsed<TimelineQuery> {
  const parsed = all<TimelineQuery>({
    processId: textParam('processId', q.processId),
    since: timeParam('since', q.since),
    until: timeParam('until', q.until),
    limit: limitParam(q.limit),
  });
  if (
    parsed.ok &&
    parsed.value.since !== undefined &&
    parsed.value.until !== undefined &&
    parsed.value.since > parsed.value.until
  )
    return { ok: false, error: 'since must not be after until' };
  return parsed;
}

/** A query as a query string (the remote API), leaving out what is unset. */
export function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
