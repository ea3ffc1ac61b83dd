import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { Logger } from '../../server/logger.js';
import { BROWSER_RESOURCES } from '../browserResources.js';
import { createMcpServer, type McpDeps } from '../createMcpServer.js';
import { DEV_RESOURCES } from '../devProcessResources.js';
import { connectMcpServer } from '../paramsGuard.js';
import type { SessionLogs } from './sessionEventLogs.js';
import { SessionEventStore } from './sessionEventStore.js';

/** One MCP session over Streamable HTTP: its transport, event store and server. */
export interface HttpSession {
  id: string;
  transport: WebStandardStreamableHTTPServerTransport;
  eventStore: SessionEventStore;
  close: () => Promise<void>;
  lastSeen: number;
  openStreams: number;
}

/** What opening a session needs. */
export interface SessionFactoryDeps extends McpDeps {
  logger: Logger;
  logs: SessionLogs;
  /** Events the session's log keeps. */
  sessionEvents: number;
  retryMs: number;
  maxBodyBytes?: number | undefined;
  /** Told when the SDK has initialized the session (it is then reachable by id) and when it ends. */
  registry: { add(session: HttpSession): void; remove(id: string): void };
}

/** Opens a session with this id: an SDK transport on its own event store, and its own MCP server. */
export async function openHttpSession(deps: SessionFactoryDeps, sessionId: string): Promise<HttpSession> {
  const { logger, logs, registry } = deps;
  const eventStore = new SessionEventStore(logs.open(sessionId, { maxEvents: deps.sessionEvents }), {
    capacity: deps.sessionEvents,
    resources: deps.api.dev ? [...DEV_RESOURCES, ...(deps.api.browser ? BROWSER_RESOURCES : [])] : [],
  });
  let session!: HttpSession;
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => sessionId,
    eventStore,
    retryInterval: deps.retryMs,
    maxRequestBodySize: deps.maxBodyBytes,
    onsessioninitialized: () => registry.add(session),
    onsessionclosed: (id) => {
      registry.remove(id);
      logs.drop(id).catch(() => undefined);
    },
  });
  const server = createMcpServer({
    ...deps,
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
      registry.remove(sessionId);
      await server.close().catch(() => undefined);
    },
  };
  transport.onclose = () => registry.remove(sessionId);
  await connectMcpServer(server, transport);
  return session;
}
