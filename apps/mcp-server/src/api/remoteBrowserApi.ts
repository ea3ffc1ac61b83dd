import {
  ConsoleEntryListSchema,
  ErrorGroupListSchema,
  NetworkFailureListSchema,
  PageSessionListSchema,
  ProxyMappingListSchema,
  ProxyMappingSchema,
  ProxyRequestListSchema,
  ReplResponseSchema,
  TimelineSchema,
} from '@ws/events';
import type { BrowserApi } from './browserApi.js';
import { queryString } from './browserQueries.js';
import type { ApiClient } from './httpClient.js';
import { type Outcome, success } from './webstreamApi.js';

const unwrap = <T, K extends string>(answer: Outcome<Record<K, T>>, key: K): Outcome<T> =>
  answer.ok ? { ok: true, value: answer.value[key] } : answer;

const session = (id: string | undefined) => encodeURIComponent(id ?? '');

/**
 * The browser half of a running server, over its HTTP API. `slow` is a client whose timeout outlasts
 * the longest REPL wait (the REPL answers when the page does).
 */
export function createRemoteBrowserApi(client: ApiClient, slow: ApiClient): BrowserApi {
  return {
    mappings: async () => unwrap(await client.get('/api/proxy/mappings', ProxyMappingListSchema), 'mappings'),
    map: (input) => client.post('/api/proxy/mappings', ProxyMappingSchema, input),
    unmap: async (target) => {
      const mappings = await client.get('/api/proxy/mappings', ProxyMappingListSchema);
      const removed = await client.delete(`/api/proxy/mappings${queryString({ target })}`);
      if (!removed.ok) return removed;
      const mapping = mappings.ok ? mappings.value.mappings.find((m) => m.target === target) : undefined;
      return success(
        mapping ?? { target, proxyUrl: '', processId: null, source: 'tool', createdAt: new Date().toISOString() },
      );
    },
    requests: async (query) =>
      unwrap(await client.get(`/api/proxy/requests${queryString(query)}`, ProxyRequestListSchema), 'requests'),
    sessions: async () => unwrap(await client.get('/api/telemetry/sessions', PageSessionListSchema), 'sessions'),
    errors: async () => unwrap(await client.get('/api/telemetry/errors', ErrorGroupListSchema), 'errors'),
    console: async (query) =>
      unwrap(await client.get(`/api/telemetry/console${queryString(query)}`, ConsoleEntryListSchema), 'entries'),
    network: async (query) =>
      unwrap(await client.get(`/api/telemetry/network${queryString(query)}`, NetworkFailureListSchema), 'failures'),
    repl: (input) => slow.post('/api/telemetry/repl', ReplResponseSchema, input),
    // Without a session id the server picks the tab; `-` is no session id it ever gives.
    refresh: (id, timeoutMs) =>
      slow.post(`/api/telemetry/sessions/${session(id) || '-'}/refresh`, ReplResponseSchema, { timeoutMs }),
    navigate: (id, url) =>
      slow.post(`/api/telemetry/sessions/${session(id) || '-'}/navigate`, ReplResponseSchema, { url }),
    timeline: async (query) =>
      unwrap(await client.get(`/api/timeline${queryString(query)}`, TimelineSchema), 'entries'),
  };
}
