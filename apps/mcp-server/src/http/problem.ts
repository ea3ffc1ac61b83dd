import { SseError } from '@ws/sse-core';
import type { Context } from 'hono';

/** The statuses the app answers errors with. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 426 | 429 | 500 | 503;

/** Seconds a client should wait before retrying after a connection cap or an unavailable backend. */
export const RETRY_AFTER_SECONDS = 5;

/** An error answer: JSON `{error, ...extra}`, where `error` says what to fix. */
export function problem(c: Context, status: ProblemStatus, error: string, extra?: object): Response {
  return c.json({ error, ...extra }, status);
}

/** A 429 or 503 that says when to retry: the JSON error plus `Retry-After` (whole seconds). */
export function retryLater(c: Context, status: 409 | 429 | 503, error: string, retryAfterSeconds: number): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  return problem(c, status, error);
}

/**
 * The 503 (with Retry-After) for an error that means "not now": the Redis backend is away or the hub is
 * closing. Undefined for any other error, which the caller rethrows.
 */
export function unavailable(c: Context, error: unknown, what: string): Response | undefined {
  if (!(error instanceof SseError) || (error.code !== 'backend_unavailable' && error.code !== 'closed'))
    return undefined;
  return retryLater(c, 503, `${what}: ${error.message}`, RETRY_AFTER_SECONDS);
}
