import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../server/logger.js';
import type { McpDeps } from '../createMcpServer.js';
import { connectMcpServer, createMcpServer } from '../createMcpServer.js';
import { DEV_RESOURCES } from '../devProcessResources.js';
import { mcpAuthInfo } from './mcpCaller.js';
import { DEFAULT_SESSION_EVENTS, memorySessionLogs, type SessionLogs } from './sessionEventLogs.js';
import { SessionEventStore } from './sessionEventStore.js';

/** Options of {@link createMcpSessions}. */
export interface McpSessionsOptions extends McpDeps {
  logger: Logger;
  /** Most concurrent sessions. Default 100. */
  maxSessions?: number;
  /** A session with no request and no open stream for this long is closed. Default 30 minutes. */
  idleTimeoutMs?: number;
  /** Interval of the `ping` event on GET streams. Default 30000. */
  pingIntervalMs?: number;
  /** `retry:` hint in priming events. Default 2000. */
  retryMs?: number;
  /** Largest POST body. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Where session logs live. Default: in memory. Shared logs (Redis) let any instance take a session over. */
  logs?: SessionLogs;
  /**
   * Events each session keeps for `Last-Event-ID` resumption (`--mcp-session-events`), in memory
   * and in Redis alike. A resume from further back gets a `notifications/webstream/gap` first.
   * Default {@link DEFAULT_SESSION_EVENTS}.
   */
  sessionEvents?: number;
}

interface Session {
  id: string;
  transport: WebStandardStreamableHTTPServerTransport;
  eventStore: SessionEventStore;
  close: () => Promise<void>;
  lastSeen: number;
  openStreams: number;
}

/** MCP over Streamable HTTP: one server and transport per session, resumable through a per-session event store. */
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
  const maxSessions = options.maxSessions ?? 100;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const pingMs = options.pingIntervalMs ?? 30_000;
  const sessions = new Map<string, Session>();
  const encoder = new TextEncoder();
  // One timer for every GET stream's ping event and for idle-session expiry.
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const ticker = setInterval(() => {
    const ping = encoder.encode(`event: ping\ndata: ${JSON.stringify({ timestamp: new Date().toISOString() })}\n\n`);
    for (const c of streams) {
      try {
        c.enqueue(ping);
      } catch {
        streams.delete(c);
      }
    }
    const now = Date.now();
    for (const s of sessions.values()) if (s.openStreams === 0 && now - s.lastSeen > idleTimeoutMs) void s.close();
  }, pingMs);
  ticker.unref();

  /** Adds the session comments, a priming event and the ping events to a GET stream. */
  function decorate(response: Response, session: Session, priming: string | undefined): Response {
    const body = response.body;
    if (!body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
    const reader = body.getReader();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    session.openStreams++;
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      streams.delete(controller);
      session.openStreams--;
      session.lastSeen = Date.now();
    };
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        c.enqueue(encoder.encode(`: MCP Streamable HTTP Transport\n: Session-Id: ${session.id}\n\n`));
        if (priming) c.enqueue(encoder.encode(priming));
        streams.add(c);
      },
      async pull(c) {
        try {
          const { value, done: finished } = await reader.read();
          if (finished) {
            done();
            c.close();
          } else c.enqueue(value);
        } catch (error) {
          done();
          c.error(error);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    });
    return new Response(stream, { status: response.status, headers: response.headers });
  }

  const logs = options.logs ?? memorySessionLogs();
  const sessionEvents = options.sessionEvents ?? DEFAULT_SESSION_EVENTS;

  async function open(sessionId: string = randomUUID()): Promise<Session> {
    const eventStore = new SessionEventStore(logs.open(sessionId, { maxEvents: sessionEvents }), {
      capacity: sessionEvents,
      resources: options.dev ? DEV_RESOURCES : [],
    });
    let session!: Session;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      eventStore,
      retryInterval: options.retryMs ?? 2000,
      maxRequestBodySize: options.maxBodyBytes,
      onsessioninitialized: (id) => {
        session.id = id;
        sessions.set(id, session);
        logger.info('MCP session opened', { session: id, sessions: sessions.size });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        logs.drop(id).catch(() => undefined);
        logger.info('MCP session closed', { session: id });
      },
    });
    const server = createMcpServer({
      ...options,
      onError: (what, error) =>
        logger.warn('MCP notification not delivered', { session: sessionId, what, error: String(error) }),
    });
    session = {
      id: sessionId,
      transport,
      eventStore,
      lastSeen: Date.now(),
      openStreams: 0,
      async close() {
        if (session.id) sessions.delete(session.id);
        await server.close().catch(() => undefined);
      },
    };
    transport.onclose = () => {
      if (session.id) sessions.delete(session.id);
    };
    await connectMcpServer(server, transport);
    return session;
  }

  /**
   * Takes over a session another instance started (shared logs only): replays its recorded
   * initialize request into a fresh transport with the same id, through the SDK's public API.
   */
  async function adopt(sessionId: string): Promise<Session | undefined> {
    if (!logs.shared || !/^[0-9a-f-]{36}$/.test(sessionId) || sessions.size >= maxSessions) return undefined;
    const handshake = await logs.loadHandshake(sessionId).catch(() => undefined);
    if (!isInitializeRequest(handshake)) return undefined;
    const session = await open(sessionId);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await session.transport.handleRequest(
      new Request('http://webstream.internal/mcp', { method: 'POST', headers, body: JSON.stringify(handshake) }),
    );
    await init.text();
    const initialized = await session.transport.handleRequest(
      new Request('http://webstream.internal/mcp', {
        method: 'POST',
        headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': handshake.params.protocolVersion },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      }),
    );
    await initialized.text();
    logger.info('MCP session taken over from another instance', { session: sessionId });
    return sessions.get(sessionId);
  }

  /** A clear answer for a Last-Event-ID this session cannot resume from (the SDK's would be terse). */
  async function checkResume(session: Session, lastEventId: string): Promise<Response | undefined> {
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

  return {
    get size() {
      return sessions.size;
    },
    async handle(request) {
      const id = request.headers.get('mcp-session-id');
      let session: Session | undefined;
      if (id) {
        session = sessions.get(id) ?? (await adopt(id));
        if (!session)
          return jsonRpcError(
            404,
            -32001,
            `Session not found: ${id} (it ended or never existed); initialize a new session`,
          );
      } else if (request.method === 'POST') {
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
        if (sessions.size >= maxSessions)
          return jsonRpcError(503, -32000, `too many MCP sessions (limit ${maxSessions}); close one with DELETE /mcp`);
        session = await open();
        const newId = session.id;
        if (logs.shared) {
          await logs.saveHandshake(newId, body).catch((error: unknown) =>
            logger.warn('MCP session handshake not saved: other instances cannot take it over', {
              session: newId,
              error: String(error),
            }),
          );
        }
      } else {
        return jsonRpcError(400, -32000, 'Bad Request: missing Mcp-Session-Id header');
      }
      session.lastSeen = Date.now();
      const lastEventId = request.headers.get('last-event-id');
      if (request.method === 'GET' && lastEventId) {
        const refused = await checkResume(session, lastEventId);
        if (refused) return refused;
      }
      let priming: string | undefined;
      if (request.method === 'GET' && !lastEventId) {
        // The SDK primes POST streams only; prime the GET stream too, so a client that has seen no
        // notification yet can still resume without loss (protocol 2025-11-25).
        // If the log is unreachable (Redis away) the stream still opens, just without a resume point.
        const primingId = await session.eventStore.storeEvent('_GET_stream', {} as never).catch(() => undefined);
        if (primingId) priming = `id: ${primingId}\nretry: ${options.retryMs ?? 2000}\ndata: \n\n`;
      }
      const response = await session.transport.handleRequest(request, { authInfo: mcpAuthInfo(request) });
      // An initialize that failed leaves a server nobody can reach: close it rather than leak it.
      if (!sessions.has(session.id)) await session.close();
      return request.method === 'GET' && response.ok ? decorate(response, session, priming) : response;
    },
    list: () => [...sessions.values()].map((s) => ({ id: s.id, openStreams: s.openStreams })),
    async close() {
      clearInterval(ticker);
      await Promise.all([...sessions.values()].map((s) => s.close()));
      sessions.clear();
    },
  };
}
