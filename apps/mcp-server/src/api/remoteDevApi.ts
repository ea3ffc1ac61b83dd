import {
  ErrorListSchema,
  LogLinesSchema,
  ProcessListSchema,
  ProcessResultSchema,
  RunResultSchema,
  ScriptListSchema,
} from '@ws/events';
import type { ApiClient } from './httpClient.js';
import type { RemoteEvents } from './remoteEvents.js';
import type { DevApi, LogSearch, Outcome } from './webstreamApi.js';

const unwrap = <T, K extends string>(answer: Outcome<Record<K, T>>, key: K): Outcome<T> =>
  answer.ok ? { ok: true, value: answer.value[key] } : answer;

const id = (processId: string) => encodeURIComponent(processId);

/** The `GET /api/logs` query of a search. */
function logQuery(search: LogSearch): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === false) continue;
    query.set(key, key === 'since' ? new Date(value as number).toISOString() : String(value));
  }
  return query.toString();
}

/** The dev-process operations of a running server, over its HTTP API; events from its `/stream`. */
export function createRemoteDevApi(client: ApiClient, events: RemoteEvents): DevApi {
  return {
    scripts: () => client.get('/api/scripts', ScriptListSchema),
    run: (name) => client.post(`/api/scripts/${encodeURIComponent(name)}/run`, RunResultSchema),
    stop: async (processId) =>
      unwrap(await client.post(`/api/processes/${id(processId)}/stop`, ProcessResultSchema), 'process'),
    restart: async (processId) =>
      unwrap(await client.post(`/api/processes/${id(processId)}/restart`, ProcessResultSchema), 'process'),
    process: async (processId) =>
      unwrap(await client.get(`/api/processes/${id(processId)}`, ProcessResultSchema), 'process'),
    processes: async (options) =>
      unwrap(
        await client.get(`/api/processes${options?.active ? '?active=true' : ''}`, ProcessListSchema),
        'processes',
      ),
    logs: async (search) => unwrap(await client.get(`/api/logs?${logQuery(search)}`, LogLinesSchema), 'lines'),
    errors: async ({ processId, limit }) => {
      const query = new URLSearchParams();
      if (processId !== undefined) query.set('processId', processId);
      if (limit !== undefined) query.set('limit', String(limit));
      return unwrap(await client.get(`/api/errors?${query}`, ErrorListSchema), 'errors');
    },
    listen: (listener) => events.listen(listener),
  };
}
