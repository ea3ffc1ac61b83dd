import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from './logger.js';
import type { McpDeps } from './mcp.js';
import { createMcpServer } from './mcp.js';
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
  /** Ends a session's GET stream (the session stays; the client resumes with Last-Event-ID). */
  dropStream(sessionId: string): boolean;
  /** Open sessions and how many streams each has open. */
  list(): { id: string; openStreams: number }[];
  close(): Promise<void>;
}

const jsonRpcError = (status: number, code: number, message: string) =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json' },
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

  async function open(): Promise<Session> {
    const eventStore = new SessionEventStore();
    let session!: Session;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
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
        logger.info('MCP session closed', { session: id });
      },
    });
    const server = createMcpServer(options);
    session = {
      id: '',
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
    await server.connect(transport);
    return session;
  }

  return {
    get size() {
      return sessions.size;
    },
    async handle(request) {
      const id = request.headers.get('mcp-session-id');
      let session: Session | undefined;
      if (id) {
        session = sessions.get(id);
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
      } else {
        return jsonRpcError(400, -32000, 'Bad Request: missing Mcp-Session-Id header');
      }
      session.lastSeen = Date.now();
      let priming: string | undefined;
      if (request.method === 'GET' && !request.headers.get('last-event-id')) {
        // The SDK primes POST streams only; prime the GET stream too, so a client that has seen no
        // notification yet can still resume without loss (protocol 2025-11-25).
        const primingId = await session.eventStore.storeEvent('_GET_stream', {} as never);
        priming = `id: ${primingId}\nretry: ${options.retryMs ?? 2000}\ndata: \n\n`;
      }
      const response = await session.transport.handleRequest(request);
      return request.method === 'GET' && response.ok ? decorate(response, session, priming) : response;
    },
    list: () => [...sessions.values()].map((s) => ({ id: s.id, openStreams: s.openStreams })),
    dropStream(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return false;
      session.transport.closeStandaloneSSEStream();
      return true;
    },
    async close() {
      clearInterval(ticker);
      await Promise.all([...sessions.values()].map((s) => s.close()));
      sessions.clear();
    },
  };
}
