import type { NetworkItem } from './schemas.js';

/** Default of `maxNetworkFailures`. */
export const DEFAULT_MAX_NETWORK_FAILURES = 500;

/** A failed fetch/XHR from a page; `requestId` links it to the proxy's record of the same request. */
export interface NetworkFailure {
  /** Strictly increasing per collector. */
  id: number;
  sessionId: string;
  processId?: string;
  timestamp: string;
  via: NetworkItem['via'];
  method: string;
  url: string;
  /** HTTP status, 0 for a network error. */
  status: number;
  statusText?: string;
  error?: string;
  durationMs: number;
  /** The proxy's `x-webstream-request-id` of the response, when it had one. */
  requestId?: string;
  /** The page URL at the time. */
  pageUrl: string;
}

/** Which failures `networkFailures` returns (newest first). */
export interface NetworkFilter {
  sessionId?: string;
  processId?: string;
  requestId?: string;
  /** Most returned. Default 100. */
  limit?: number;
}

/** Failures bounded by count; when full the oldest go. */
export interface NetworkStore {
  add(failure: Omit<NetworkFailure, 'id'>): NetworkFailure;
  query(filter?: NetworkFilter): NetworkFailure[];
  stats(): { failures: number; evicted: number };
}

/** Creates the store. */
export function createNetworkStore(maxFailures: number): NetworkStore {
  const ring: Array<NetworkFailure | undefined> = new Array(Math.max(1, maxFailures));
  let next = 0;
  let size = 0;
  let nextId = 1;
  let evicted = 0;

  return {
    add(input) {
      const failure: NetworkFailure = { id: nextId++, ...input };
      if (size === ring.length) evicted++;
      else size++;
      ring[next] = failure;
      next = (next + 1) % ring.length;
      return failure;
    },
    query(filter = {}) {
      const limit = Math.max(0, filter.limit ?? 100);
      const out: NetworkFailure[] = [];
      for (let offset = 1; offset <= size && out.length < limit; offset++) {
        const failure = ring[(next - offset + ring.length) % ring.length] as NetworkFailure;
        if (filter.sessionId && failure.sessionId !== filter.sessionId) continue;
        if (filter.processId && failure.processId !== filter.processId) continue;
        if (filter.requestId && failure.requestId !== filter.requestId) continue;
        out.push(failure);
      }
      return out;
    },
    stats: () => ({ failures: size, evicted }),
  };
}
