import { z } from 'zod';
import { type Failure, failure, type Outcome, success } from './webstreamApi.js';

/** How the stdio front reaches a running server. */
export interface ApiClientOptions {
  /** The server's base URL (`http://127.0.0.1:8000`). */
  url: string;
  /** The server's token (`--token` / WEBSTREAM_TOKEN), sent as a bearer token. */
  token?: string | undefined;
  /** Per-request timeout in ms. @default 10000 (a tool that waits, like scripts_run, waits on the event stream) */
  timeoutMs?: number;
}

/** JSON over HTTP to a webstream server, answers as outcomes (an error answer's `error` is the message). */
export interface ApiClient {
  readonly url: string;
  /** Headers every request carries (the bearer token, if any). */
  readonly headers: Record<string, string>;
  /** GETs `path`; the answer must match `schema` (another version's answer is a failure that says so). */
  get<S extends z.ZodType>(path: string, schema: S): Promise<Outcome<z.infer<S>>>;
  post<S extends z.ZodType>(
    path: string,
    schema: S,
    body?: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<Outcome<z.infer<S>>>;
  /** DELETEs `path`; a 204 is success. */
  delete(path: string): Promise<Outcome<undefined>>;
}

const STATUSES: readonly Failure['status'][] = [400, 403, 404, 409, 422, 429, 503];

async function failureOf(response: Response): Promise<Failure> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON: the status line says enough.
  }
  const status = STATUSES.includes(response.status as Failure['status']) ? (response.status as Failure['status']) : 400;
  const retry = Number(response.headers.get('retry-after'));
  return failure(status, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const url = options.url.replace(/\/$/, '');
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const timeoutMs = options.timeoutMs ?? 10_000;
  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Outcome<z.infer<S>>> {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: method === 'POST' ? { ...headers, ...extraHeaders, 'content-type': 'application/json' } : headers,
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return failure(
        503,
        `the webstream server at ${url} is not answering (${(error as Error).message}); is it running?`,
        2,
      );
    }
    if (!response.ok) return failureOf(response);
    if (response.status === 204) return success(undefined as z.infer<S>);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (parsed.success) return success(parsed.data);
    const issue = parsed.error.issues[0];
    return failure(
      503,
      `the webstream server at ${url} answered ${method} ${path} with something this version does not understand (${issue?.path.join('.') || 'body'}: ${issue?.message}); are both the same version?`,
    );
  }
  return {
    url,
    headers,
    get: (path, schema) => call('GET', path, schema),
    post: (path, schema, body, extraHeaders) => call('POST', path, schema, body, extraHeaders),
    // Success is any 2xx; a body, if the server sends one, is not needed.
    delete: (path) =>
      call(
        'DELETE',
        path,
        z.unknown().transform(() => undefined),
      ),
  };
}
