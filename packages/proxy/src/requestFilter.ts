import type { ProxyRequestRecord } from './requestRecord.js';

/**
 * A status class: `2xx` … `5xx` match the status sent to the client (a proxy 502 is `5xx` and also
 * `failed`); `failed` matches records with `failed: true`; `pending` matches exchanges still in flight.
 */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'failed' | 'pending';

/** Every status class, in order (for validating input at the edge). */
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'failed', 'pending'];

/** Filters for {@link RequestStore.list}; all optional, combined with AND. */
export interface RequestFilter {
  /** One class or several (OR). */
  status?: StatusClass | readonly StatusClass[] | undefined;
  /** One method or several (OR), case-insensitive. */
  method?: string | readonly string[] | undefined;
  /** A substring of the URL (case-sensitive), or a regular expression tested against it. */
  url?: string | RegExp | undefined;
  processId?: string | undefined;
  /** Only requests that started at or after this time (ms since the epoch, or a Date). */
  since?: number | Date | undefined;
  /** Most records returned (the newest). Default: all that match. */
  limit?: number | undefined;
}

/** Compiles a filter into a predicate (done once per `list` call). */
export function compileFilter(filter: RequestFilter): (record: ProxyRequestRecord) => boolean {
  const classes = filter.status === undefined ? null : new Set(toArray(filter.status));
  const methods = filter.method === undefined ? null : new Set(toArray(filter.method).map((m) => m.toUpperCase()));
  const url = filter.url;
  // A global or sticky regex keeps state between test() calls; a copy without those flags does not.
  const regex = url instanceof RegExp ? new RegExp(url.source, url.flags.replace(/[gy]/g, '')) : null;
  const since = filter.since instanceof Date ? filter.since.getTime() : filter.since;
  return (record) => {
    if (classes && !matchesClass(record, classes)) return false;
    if (methods && !methods.has(record.method.toUpperCase())) return false;
    if (regex && !regex.test(record.url)) return false;
    if (typeof url === 'string' && !record.url.includes(url)) return false;
    if (filter.processId !== undefined && record.processId !== filter.processId) return false;
    if (since !== undefined && record.startedAt < since) return false;
    return true;
  };
}

/** The status class of a status code (`404` → `4xx`), or null outside 100–599. */
export function statusClassOf(status: number | null): StatusClass | null {
  if (status === null || status < 100 || status > 599) return null;
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

function matchesClass(record: ProxyRequestRecord, classes: Set<StatusClass>): boolean {
  if (record.failed && classes.has('failed')) return true;
  if (record.pending && classes.has('pending')) return true;
  const cls = statusClassOf(record.status);
  return cls !== null && classes.has(cls);
}

function toArray<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}
