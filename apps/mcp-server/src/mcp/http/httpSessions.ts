import { randomUUID } from 'node:crypto';
import { isInitializeRequest } from '@modelcontextprotocol/server';
import type { Logger } from '../../server/logger.js';
import type { McpDeps } from '../createMcpServer.js';
import type { DevEventSource } from '../devUpdates.js';
import type { TaskRecords } from '../scriptTasks.js';
import { GetStreams } from './getStreams.js';
import { type HttpSession, openHttpSession } from './httpSession.js';
import { mcpAuthInfo } from './mcpCaller.js';
import { createModernEndpoint, isModernRequest, serveModern } from './modernEndpoint.js';
import { DEFAULT_SESSION_EVENTS, memorySessionLogs, type SessionLogs } from './sessionEventLogs.js';
import { takeOverSession } from './sessionTakeover.js';

/** Most concurrent MCP sessions over HTTP (`--max-mcp-sessions`). */
export const DEFAULT_MAX_MCP_SESSIONS = 100;
/** Interval of the `ping` event on MCP GET streams, in ms (`--mcp-ping-ms`). */
export const DEFAULT_MCP_PING_MS = 30_000;

/** Options of {@link createMcpSessions}. */
export interface McpSessionsOptions extends McpDeps {
  logger: Logger;
  /** Most concurrent sessions. @default 100 */
  maxSessions?: number;
  /** A session with no request and no open stream for this long is closed. @default 1800000 (30 minutes) */
  idleTimeoutMs?: number;
  /** Interval of the `ping` event on GET streams. @default 30000 */
  pingIntervalMs?: number;
  /** `retry:` hint in priming events. @default 2000 */
  retryMs?: number;
  /** Largest POST body. Default: the SDK's (4 MiB). */
  maxBodyBytes?: number;
  /** Where session logs live. Default: in memory. Shared logs (Redis) let any instance take a session over. */
  logs?: SessionLogs;
  /**
   * Events each session keeps for `Last-Event-ID` resumption (`--mcp-session-events`), in memory
   * and in Redis alike. A resume from further back gets a `notifications/webstream/gap` first.
   * @default 1000
   */
  sessionEvents?: number;
  /** Where 2026-07-28 listen streams get dev events (see `modernEndpoint.ts`). Default: this process's dev API. */
  devEvents?: DevEventSource;
  /** Where 2026-07-28 script tasks are shared between instances (Redis). Default: this instance only. */
  taskRecords?: TaskRecords;
}

/**
 * MCP over Streamable HTTP, both eras on one URL: 2025-era clients (they open with `initialize`) get one
 * server and transport per session, resumable through a per-session event store; 2026-07-28 requests
 * (the `_meta` version envelope) go to the stateless endpoint of `modernEndpoint.ts`.
 */
export interface McpSessions {
  handle(request: Request): Promise<Response>;
  readonly size: number;
  /** Open sessions and how many streams each has open. */
  list(): { id: string; openStreams: number }[];
  close(): Promise<void>;
}

const jsonRpcError = (status: number, code: number, message: string) =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    // A 503 is a limit or an outage that passes: say when to try again.
    headers: { 'Content-Type': 'application/json', ...(status === 503 ? { 'Retry-After': '5' } : {}) },
  });

export function createMcpSessions(options: McpSessionsOptions): McpSessions {
  const { logger } = options;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_MCP_SESSIONS;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const retryMs = options.retryMs ?? 2000;
  const logs = options.logs ?? memorySessionLogs();
  const sessions = new Map<string, HttpSession>();
  const registry = {
    add(session: HttpSession) {
      sessions.set(session.id, session);
      logger.info('MCP session opened', { session: session.id, sessions: sessions.size });
    },
    remove(id: string) {
      if (sessions.delete(id)) logger.info('MCP session closed', { session: id });
    },
  };
  const getStreams = new GetStreams(options.pingIntervalMs ?? DEFAULT_MCP_PING_MS, () => {
    const now = Date.now();
    for (const s of sessions.values()) if (s.openStreams === 0 && now - s.lastSeen > idleTimeoutMs) void s.close();
  });
  const open = (id: string) =>
    openHttpSession(
      { ...options, logs, registry, retryMs, sessionEvents: options.sessionEvents ?? DEFAULT_SESSION_EVENTS },
      id,
    );
  const route = { sessions, maxSessions, logs, logger, open };
  const modern = createModernEndpoint({
    ...options,
    maxSubscriptions: maxSessions,
    keepAliveMs: options.pingIntervalMs,
  });

  return {
    get size() {
      return sessions.size;
    },
    async handle(request) {
      if (await isModernRequest(request, options.maxBodyBytes)) return serveModern(modern, request);
      const found = await sessionFor(request, route);
      if (found instanceof Response) return found;
      const session = found;
      session.lastSeen = Date.now();
      const prepared = await prepareGet(request, session, retryMs, logger);
      if (prepared instanceof Response) return prepared;
      const response = await session.transport.handleRequest(request, { authInfo: mcpAuthInfo(request) });
      // An initialize that failed leaves a server nobody can reach: close it rather than leak it.
      if (!sessions.has(session.id)) await session.close();
      return request.method === 'GET' && response.ok ? getStreams.decorate(response, session, prepared) : response;
    },
    list: () => [...sessions.values()].map((s) => ({ id: s.id, openStreams: s.openStreams })),
    async close() {
      getStreams.close();
      await modern.close();
      await Promise.all([...sessions.values()].map((s) => s.close()));
      sessions.clear();
    },
  };
}

interface Route {
  sessions: Map<string, HttpSession>;
  maxSessions: number;
  logs: SessionLogs;
  logger: Logger;
  open: (id: string) => Promise<HttpSession>;
}

/** The session a request belongs to (found, taken over, or opened by its initialize), or the error answer. */
async function sessionFor(request: Request, route: Route): Promise<HttpSession | Response> {
  const id = request.headers.get('mcp-session-id');
  if (id) {
    const known = route.sessions.get(id);
    if (known) return known;
    const taken =
      route.sessions.size < route.maxSessions ? await takeOverSession(id, route.logs, route.open) : undefined;
    if (taken && route.sessions.has(id)) {
      route.logger.info('MCP session taken over from another instance', { session: id });
      return taken;
    }
    return jsonRpcError(404, -32001, `Session not found: ${id} (it ended or never existed); initialize a new session`);
  }
  if (request.method !== 'POST') return jsonRpcError(400, -32000, 'Bad Request: missing Mcp-Session-Id header');
  let body: unknown;
  try {
    body = await request.clone().json();
  } catch {
    return jsonRpcError(400, -32700, 'Parse error: the body must be JSON-RPC');
  }
  if (!isInitializeRequest(body))
    return jsonRpcError(
      400,
      -32000,
      'Bad Request: missing Mcp-Session-Id header (send initialize first to start a session)',
    );
  if (route.sessions.size >= route.maxSessions)
    return jsonRpcError(503, -32000, `too many MCP sessions (limit ${route.maxSessions}); close one with DELETE /mcp`);
  const session = await route.open(randomUUID());
  if (route.logs.shared) {
    await route.logs.saveHandshake(session.id, body).catch((error: unknown) =>
      route.logger.warn('MCP session handshake not saved: other instances cannot take it over', {
        session: session.id,
        error: String(error),
      }),
    );
  }
  return session;
}

/**
 * For a GET: checks a `Last-Event-ID` (a clear 400 or 503 instead of the SDK's terse one), or primes
 * a fresh stream. Returns the priming event text, undefined, or the error answer.
 */
async function prepareGet(
  request: Request,
  session: HttpSession,
  retryMs: number,
  logger: Logger,
): Promise<string | undefined | Response> {
  if (request.method !== 'GET') return undefined;
  const lastEventId = request.headers.get('last-event-id');
  if (lastEventId) {
    let stream: string | undefined;
    try {
      stream = await session.eventStore.getStreamIdForEventId(lastEventId);
    } catch (error) {
      logger.warn('MCP session log unreachable', { session: session.id, error: String(error) });
      return jsonRpcError(503, -32000, 'cannot resume now: the session log is unreachable; retry shortly');
    }
    if (stream !== undefined) return undefined;
    return jsonRpcError(
      400,
      -32000,
      `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 200))} is unknown to this session (never issued by it, or from a stream it no longer knows); reconnect without it and re-read the resources`,
    );
  }
  // The SDK primes POST streams only; prime the GET stream too, so a client that has seen no
  // notification yet can still resume without loss (protocol 2025-11-25).
  // If the log is unreachable (Redis away) the stream still opens, just without a resume point.
  const primingId = await session.eventStore.storeEvent('_GET_stream', {} as never).catch(() => undefined);
  return primingId ? `id: ${primingId}\nretry: ${retryMs}\ndata: \n\n` : undefined;
}
