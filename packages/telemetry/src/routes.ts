// The collector's HTTP surface under `<base>`: `POST telemetry` (batches), `GET commands` (the
// REPL's SSE stream), `POST answer` (REPL answers). Every refusal is a 4xx with a message.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandChannel } from './commandChannel.js';
import { readJsonBody, sendError, sendJson } from './httpUtil.js';
import type { IngestResult } from './ingest.js';
import type { ReplInternal } from './repl.js';
import { allowedOrigins, checkOrigin, keyMatches } from './requestGuard.js';
import {
  describeIssues,
  type ReplAnswer,
  ReplAnswerSchema,
  SessionIdSchema,
  type TelemetryBatch,
  TelemetryBatchSchema,
} from './schemas.js';
import type { SessionContext, SessionStore } from './sessionStore.js';

/** Most JSON nesting accepted in a body (the page's values are at most about 8 deep). */
export const MAX_BODY_DEPTH = 32;

/** What the proxy passes per request. */
export interface HandleContext {
  /**
   * The origins the page may be served from (the proxy's own, e.g. `http://127.0.0.1:20888` and
   * `http://localhost:20888`). Default: the collector's `origins`, else the request's Host when it
   * is a loopback name.
   */
  origins?: string[];
  /** The dev server behind the proxy: scripts on the page's origin are fetched from here for source maps. */
  target?: string;
  /** The process the page belongs to (copied to its session, errors, console lines and failures). */
  processId?: string;
}

/** What the routes need. */
export interface RouteDeps {
  base: string;
  key: string;
  origins: string[] | undefined;
  maxBodyBytes: number;
  sessions: SessionStore;
  channel: CommandChannel;
  repl: ReplInternal;
  ingest(batch: TelemetryBatch, context: SessionContext): IngestResult;
  /** The command stream of a session connected or closed. */
  streamChanged(sessionId: string, connected: boolean): void;
}

/** Creates `handle(req, res, context)`: true when the request was the collector's (and is answered). */
export function createHandler(deps: RouteDeps) {
  return function handle(req: IncomingMessage, res: ServerResponse, context: HandleContext = {}): boolean {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    if (!url.pathname.startsWith(deps.base)) return false;
    const route = url.pathname.slice(deps.base.length);
    const method = route === 'telemetry' || route === 'answer' ? 'POST' : route === 'commands' ? 'GET' : undefined;
    if (!method) return false;
    if (req.method !== method) {
      sendError(res, 405, `${url.pathname} takes ${method}`, { allow: method });
      return true;
    }
    const origins = allowedOrigins(req, context.origins ?? deps.origins);
    const origin = checkOrigin(req, origins);
    if (!origin.ok) {
      sendError(res, origin.status, origin.message);
      return true;
    }
    const pageOrigin = req.headers.origin ?? origins[0] ?? '';
    if (route === 'commands') commands(deps, url, req, res);
    else {
      const work =
        route === 'telemetry' ? telemetry(deps, req, res, { ...context, origin: pageOrigin }) : answer(deps, req, res);
      work.catch((error: unknown) =>
        sendError(res, 400, `the request could not be handled: ${(error as Error).message}`),
      );
    }
    return true;
  };
}

async function readChecked(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<unknown | undefined> {
  const body = await readJsonBody(req, deps.maxBodyBytes, MAX_BODY_DEPTH);
  if (!body.ok) {
    sendError(res, body.status, body.message);
    return undefined;
  }
  const key = (body.value as { key?: unknown } | null)?.key;
  if (!keyMatches(key, deps.key)) {
    sendError(res, 403, 'wrong or missing page key: the page was loaded before this server started; reload it');
    return undefined;
  }
  return body.value;
}

async function telemetry(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: HandleContext & { origin: string },
) {
  const value = await readChecked(deps, req, res);
  if (value === undefined) return;
  const parsed = TelemetryBatchSchema.safeParse(value);
  if (!parsed.success) {
    sendError(res, 400, `invalid telemetry batch: ${describeIssues(parsed.error)}`);
    return;
  }
  const sessionContext: SessionContext = { origin: context.origin };
  if (context.target) sessionContext.target = context.target;
  if (context.processId) sessionContext.processId = context.processId;
  const result = deps.ingest(parsed.data, sessionContext);
  if (result.status === 429) {
    const seconds = Math.ceil(result.retryAfterMs / 1000);
    sendError(res, 429, `this page session is over its rate limit; retry in ${seconds} s`, {
      'retry-after': String(seconds),
    });
  } else {
    sendJson(res, 200, { accepted: result.accepted, dropped: result.dropped });
  }
}

async function answer(deps: RouteDeps, req: IncomingMessage, res: ServerResponse) {
  const value = await readChecked(deps, req, res);
  if (value === undefined) return;
  const parsed = ReplAnswerSchema.safeParse(value);
  if (!parsed.success) {
    sendError(res, 400, `invalid REPL answer: ${describeIssues(parsed.error)}`);
    return;
  }
  const outcome = deps.repl.answer(parsed.data as ReplAnswer);
  if (outcome.ok) sendJson(res, 200, { accepted: true });
  else sendError(res, 409, outcome.message);
}

function commands(deps: RouteDeps, url: URL, req: IncomingMessage, res: ServerResponse) {
  if (!keyMatches(url.searchParams.get('key'), deps.key)) {
    sendError(res, 403, 'wrong or missing page key: the page was loaded before this server started; reload it');
    return;
  }
  if (!deps.repl.enabled) {
    sendError(res, 404, 'the REPL is disabled on this server');
    return;
  }
  const id = SessionIdSchema.safeParse(url.searchParams.get('session'));
  if (!id.success) {
    sendError(res, 400, `session: ${describeIssues(id.error)}`);
    return;
  }
  const record = deps.sessions.get(id.data);
  if (!record || record.closedAt !== undefined) {
    sendError(res, 404, `unknown or closed page session ${id.data}: the page sends a telemetry batch first`);
    return;
  }
  req.socket.setTimeout(0);
  deps.channel.attach(id.data, res, () => {
    record.commandStream = false;
    deps.streamChanged(id.data, false);
  });
  record.commandStream = true;
  deps.streamChanged(id.data, true);
}
