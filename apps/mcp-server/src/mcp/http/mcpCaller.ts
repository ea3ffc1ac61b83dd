import type { AuthInfo } from '@modelcontextprotocol/server';
import { LOCAL_PUBLISHER, type Publisher } from '../../limits/publishPolicy.js';

// Keyed by the very Request object the /mcp route hands to McpSessions.handle: nothing a client sends
// (no header, no query parameter) can set or forge it.
const callers = new WeakMap<Request, Publisher>();
const EXTRA_KEY = 'webstreamPublisher';

/** Records who sent an /mcp request (its client address, whether it proved the token). */
export function setMcpCaller(request: Request, who: Publisher): void {
  callers.set(request, who);
}

/** Who sent an /mcp request, as recorded by {@link setMcpCaller}. */
export function mcpCaller(request: Request): Publisher | undefined {
  return callers.get(request);
}

/**
 * The SDK `authInfo` that carries the caller to tool handlers (as `extra.authInfo`): pass it as
 * `transport.handleRequest(request, { authInfo: mcpAuthInfo(request) })` (or the modern handler's `fetch`). Undefined
 * if none was recorded.
 */
export function mcpAuthInfo(request: Request): AuthInfo | undefined {
  const who = callers.get(request);
  if (!who) return undefined;
  // `token` is not the secret: the /mcp route has checked the credential already.
  return { token: '', clientId: who.address, scopes: [], extra: { [EXTRA_KEY]: { ...who } } };
}

const isPublisher = (value: unknown): value is Publisher => {
  const v = value as Publisher | null | undefined;
  return typeof v?.address === 'string' && typeof v.authenticated === 'boolean' && typeof v.loopback === 'boolean';
};

/**
 * Who called a tool, from the handler's context: the publisher recorded for the HTTP request, else the local
 * user (stdio, or an HTTP request whose route recorded no caller).
 */
export function publisherOf(ctx: { http?: { authInfo?: AuthInfo | undefined } | undefined }): Publisher {
  const recorded = ctx.http?.authInfo?.extra?.[EXTRA_KEY];
  return isPublisher(recorded) ? recorded : LOCAL_PUBLISHER;
}
