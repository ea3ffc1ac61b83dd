// The dashboard talks to the server only through its public HTTP API (same origin, cookie auth).
import type { LogEntry, ProcessError, ProcessInfo, StreamMessage } from '@ws/events';

/** A log line as the API returns it. */
export type LogLine = LogEntry;
/** A detected error as the API returns it. */
export type DetectedError = ProcessError;
export type { ProcessInfo };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const p = parsed as { error?: string; issues?: { path: string; message: string }[] } | undefined;
    const detail = p?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ApiError(res.status, detail ? `${p?.error}: ${detail}` : (p?.error ?? `${res.status} ${res.statusText}`));
  }
  return parsed as T;
}

export interface Stats {
  clients: number;
  channels: Record<string, number>;
  published: number;
  delivered: number;
  dropped: number;
  uptimeSeconds: number;
}

export const api = {
  stats: () => call<Stats>('GET', '/api/stats'),
  login: async (token: string) => {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) throw new ApiError(res.status, 'the token was not accepted');
  },
  push: (input: { message?: string; data?: unknown; type: string; channel: string; priority: string }) =>
    call<{ id: string; clients: number }>('POST', '/api/push', input),
  /** `cwd`, the supervised project's absolute folder, is used when the server sends it. */
  scripts: () => call<{ packageManager: string; scripts: Record<string, string>; cwd?: string }>('GET', '/api/scripts'),
  processes: () => call<{ processes: ProcessInfo[] }>('GET', '/api/processes'),
  run: (name: string) => call<{ process: ProcessInfo }>('POST', `/api/scripts/${encodeURIComponent(name)}/run`, {}),
  stop: (id: string) => call<{ process: ProcessInfo }>('POST', `/api/processes/${encodeURIComponent(id)}/stop`, {}),
  restart: (id: string) =>
    call<{ process: ProcessInfo }>('POST', `/api/processes/${encodeURIComponent(id)}/restart`, {}),
  logs: (id: string, limit = 2000) =>
    call<{ lines: LogLine[] }>('GET', `/api/processes/${encodeURIComponent(id)}/logs?limit=${limit}`),
  errors: (processId?: string) =>
    call<{ errors: DetectedError[] }>(
      'GET',
      `/api/errors${processId ? `?processId=${encodeURIComponent(processId)}` : ''}`,
    ),
};

export type { StreamMessage };
