import {
  createMcpHandler,
  isJSONRPCRequest,
  isLegacyRequest,
  type McpHttpHandler,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import { ResourceUri } from '@ws/events';
import type { DevApi } from '../../api/webstreamApi.js';
import type { Logger } from '../../server/logger.js';
import { createMcpServer, type McpDeps } from '../createMcpServer.js';
import { type DevEventSource, devApiEvents, devEventBus } from '../devUpdates.js';
import { invalidParams } from '../paramsGuard.js';
import { ScriptTasks, type TaskRecords } from '../scriptTasks.js';
import { mcpAuthInfo } from './mcpCaller.js';

/** Most `subscriptions/listen` streams open at once on one instance (`--max-mcp-sessions` bounds them too). */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

/** What {@link createModernEndpoint} needs. */
export interface ModernEndpointOptions extends McpDeps {
  logger: Logger;
  maxSubscriptions?: number;
  /** Largest POST body. Default: the SDK's (4 MiB). */
  maxBodyBytes?: number;
  /** SSE keep-alive comments on listen streams and streamed answers, in ms. */
  keepAliveMs?: number;
  /**
   * Where the listen streams' dev events come from. Default: this process's dev API. The server passes
   * its hub's dev channels (`hubDevEvents`), which with `--redis` carry every instance's events.
   */
  devEvents?: DevEventSource;
  /** Where script tasks are shared between instances (Redis). Default: this instance only. */
  taskRecords?: TaskRecords;
}

/** The hub's dev events, plus the changes of the scripts (only the local dev service sees those). */
function eventsOf(dev: DevApi | undefined, events: DevEventSource | undefined): DevEventSource | undefined {
  if (!dev) return undefined;
  if (!events) return devApiEvents(dev);
  return (listener) => {
    const stopEvents = events({ event: listener.event, resourceChanged: listener.resourceChanged });
    const stopScripts = dev.listen({
      event: () => undefined,
      resourceChanged: (uri) => {
        if (uri === ResourceUri.scriptsAvailable) listener.resourceChanged(uri);
      },
    });
    return () => {
      stopEvents();
      stopScripts();
    };
  };
}

/**
 * `/mcp` for the 2026-07-28 revision: stateless, one server instance per request built by the same
 * {@link createMcpServer} as the 2025-era sessions (so one definition of each tool and resource), on
 * whichever instance the request reaches. Requests of the 2025 era (`initialize`, no `_meta` version)
 * never get here: {@link isModernRequest} sends them to the sessions. The SDK answers `server/discover`,
 * checks the `Mcp-Method`/`Mcp-Name`/`MCP-Protocol-Version` headers, refuses unsupported versions with
 * -32022 and the supported list, stamps `resultType` and the cache fields, and serves
 * `subscriptions/listen` from {@link devEventBus}.
 */
export function createModernEndpoint(options: ModernEndpointOptions): McpHttpHandler {
  const { logger } = options;
  const tasks = options.api.dev ? new ScriptTasks(options.api.dev, options.taskRecords) : undefined;
  return createMcpHandler(() => createMcpServer({ ...options, tasks }, 'none'), {
    legacy: 'reject',
    bus: devEventBus(eventsOf(options.api.dev, options.devEvents)),
    maxSubscriptions: options.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS,
    ...(options.maxBodyBytes ? { maxRequestBodySize: options.maxBodyBytes } : {}),
    ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
    onerror: (error) => logger.debug('MCP request refused or failed', { error: error.message }),
  });
}

/** Methods 2026-07-28 no longer has: the SDK answers them -32601 (HTTP 404), whatever their params. */
const REMOVED_IN_2026 = new Set(['initialize', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);

/**
 * Serves one request on the 2026-07-28 endpoint, handing the caller (for push_stream) to the tools. A
 * request with malformed params gets -32602 with one line saying what to fix (the SDK's own answer is a
 * multi-line zod dump), as on the 2025-era sessions.
 */
export async function serveModern(handler: McpHttpHandler, request: Request): Promise<Response> {
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
  const problem = isJSONRPCRequest(body) && !REMOVED_IN_2026.has(body.method) ? invalidParams(body) : undefined;
  if (problem !== undefined && isJSONRPCRequest(body))
    return Response.json({
      jsonrpc: '2.0',
      id: body.id,
      error: { code: ProtocolErrorCode.InvalidParams, message: problem },
    });
  return handler.fetch(request, { authInfo: mcpAuthInfo(request) });
}

/**
 * Whether a request belongs to the 2026-07-28 endpoint: a POST the SDK does not classify as 2025-era
 * (the same classification `createMcpHandler` makes). GET and DELETE are 2025 session operations.
 */
export async function isModernRequest(request: Request, maxBodyBytes?: number): Promise<boolean> {
  if (request.method !== 'POST') return false;
  return !(await isLegacyRequest(request, undefined, maxBodyBytes ? { maxRequestBodySize: maxBodyBytes } : {}));
}
