// The dashboard talks to the server only through its public HTTP API (same origin, cookie auth).
// Every answer is checked against its @ws/events schema before use: a server that answers
// something else is reported as such, not half-rendered.
import {
  ErrorBodySchema,
  ErrorListSchema,
  LogLinesSchema,
  ProcessListSchema,
  ProcessResultSchema,
  type PushInput,
  PushResultSchema,
  RunResultSchema,
  ScriptListSchema,
  StreamStatusSchema,
} from '@ws/events';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function errorMessage(res: Response, body: unknown): string {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return `${res.status} ${res.statusText}`;
  const detail = parsed.data.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
  return detail ? `${parsed.data.error}: ${detail}` : parsed.data.error;
}

/** One API call, its answer checked against `schema`; non-2xx answers become an {@link ApiError}. */
export async function call<S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  body?: unknown,
): Promise<z.output<S>> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, `${method} ${path}: the answer is not JSON (${res.status} ${res.statusText})`);
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(res, parsed));
  const answer = schema.safeParse(parsed);
  if (!answer.success) {
    const where = answer.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new ApiError(res.status, `${method} ${path}: unexpected answer (${where})`);
  }
  return answer.data;
}

const processPath = (id: string, action = '') => `/api/processes/${encodeURIComponent(id)}${action}`;

export const api = {
  stats: () => call(StreamStatusSchema, 'GET', '/api/stats'),
  login: async (token: string) => {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) throw new ApiError(res.status, 'the token was not accepted');
  },
  push: (input: PushInput) => call(PushResultSchema, 'POST', '/api/push', input),
  scripts: () => call(ScriptListSchema, 'GET', '/api/scripts'),
  processes: () => call(ProcessListSchema, 'GET', '/api/processes'),
  run: (name: string) => call(RunResultSchema, 'POST', `/api/scripts/${encodeURIComponent(name)}/run`, {}),
  stop: (id: string) => call(ProcessResultSchema, 'POST', processPath(id, '/stop'), {}),
  restart: (id: string) => call(ProcessResultSchema, 'POST', processPath(id, '/restart'), {}),
  logs: (id: string, limit = 2000) => call(LogLinesSchema, 'GET', processPath(id, `/logs?limit=${limit}`)),
  errors: (processId?: string) =>
    call(ErrorListSchema, 'GET', `/api/errors${processId ? `?processId=${encodeURIComponent(processId)}` : ''}`),
};
