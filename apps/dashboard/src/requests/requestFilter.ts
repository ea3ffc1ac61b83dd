// Which proxied requests the table shows: status class, method, URL text and process (pure).
import type { ProxyRequest } from '../browserTypes.js';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'failed'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number] | 'pending' | 'other';

export interface RequestFilters {
  /** Status classes shown (all five: no filter). */
  statuses: Set<string>;
  /** '' = any method. */
  method: string;
  /** Case-insensitive substring of the URL ('' = any). */
  url: string;
  /** '' = any process. */
  processId: string;
}

export const defaultRequestFilters = (): RequestFilters => ({
  statuses: new Set(STATUS_CLASSES),
  method: '',
  url: '',
  processId: '',
});

/** The colour class of a record: `failed` wins, then `pending`, then the status's hundred. */
export function statusClassOf(r: Pick<ProxyRequest, 'failed' | 'pending' | 'status'>): StatusClass {
  if (r.failed) return 'failed';
  if (r.pending || r.status === null) return 'pending';
  const hundred = Math.floor(r.status / 100);
  // 101 Switching Protocols (a WebSocket) reads as a success.
  if (hundred === 1 || hundred === 2) return '2xx';
  if (hundred >= 3 && hundred <= 5) return `${hundred}xx` as StatusClass;
  return 'other';
}

export function matchesRequest(r: ProxyRequest, f: RequestFilters): boolean {
  const cls = statusClassOf(r);
  // Pending requests show unless the person narrowed the statuses.
  if (cls === 'pending' || cls === 'other') {
    if (f.statuses.size !== STATUS_CLASSES.length) return false;
  } else if (!f.statuses.has(cls)) return false;
  if (f.method && r.method.toUpperCase() !== f.method.toUpperCase()) return false;
  if (f.url && !r.url.toLowerCase().includes(f.url.toLowerCase())) return false;
  if (f.processId && r.processId !== f.processId) return false;
  return true;
}

/** The server-side query for the same filters (the server filters the stored requests too). */
export function requestQuery(f: RequestFilters): {
  status?: string;
  method?: string;
  url?: string;
  processId?: string;
} {
  const all = f.statuses.size === STATUS_CLASSES.length;
  return {
    status: all ? undefined : [...f.statuses].join(','),
    method: f.method || undefined,
    url: f.url || undefined,
    processId: f.processId || undefined,
  };
}
