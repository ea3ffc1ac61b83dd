// The proxy, page telemetry, timeline and REPL routes (issue 12), each answer checked like api.ts does.
import { call } from './api.js';
import {
  ConsoleListSchema,
  MappingListSchema,
  PageErrorListSchema,
  ReplAnswerSchema,
  RequestListSchema,
  SessionListSchema,
  TimelineSchema,
} from './browserTypes.js';

/** `?a=1&b=x` from the defined, non-empty values (none: ''). */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface RequestQuery {
  status?: string;
  method?: string;
  url?: string;
  processId?: string;
  since?: number;
  limit?: number;
}

export interface TimelineQuery {
  processId?: string;
  since?: number;
  until?: number;
  limit?: number;
}

export const browserApi = {
  mappings: () => call(MappingListSchema, 'GET', '/api/proxy/mappings'),
  requests: (q: RequestQuery = {}) => call(RequestListSchema, 'GET', `/api/proxy/requests${query({ ...q })}`),
  sessions: () => call(SessionListSchema, 'GET', '/api/telemetry/sessions'),
  errors: () => call(PageErrorListSchema, 'GET', '/api/telemetry/errors'),
  console: (q: { level?: string; sessionId?: string; since?: number; limit?: number } = {}) =>
    call(ConsoleListSchema, 'GET', `/api/telemetry/console${query(q)}`),
  repl: (code: string, sessionId?: string) =>
    call(ReplAnswerSchema, 'POST', '/api/telemetry/repl', sessionId ? { code, sessionId } : { code }),
  /** Reloads the page of session `id` (the answer says when it ran the command). */
  reload: (id: string) =>
    call(ReplAnswerSchema, 'POST', `/api/telemetry/sessions/${encodeURIComponent(id)}/refresh`, {}),
  timeline: (q: TimelineQuery = {}) => call(TimelineSchema, 'GET', `/api/timeline${query({ ...q })}`),
};
