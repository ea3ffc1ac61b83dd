import { isInitializeRequest } from '@modelcontextprotocol/server';
import type { HttpSession } from './httpSession.js';
import type { SessionLogs } from './sessionEventLogs.js';

const SESSION_ID = /^[0-9a-f-]{36}$/;

/**
 * Takes over a session another instance started (shared logs only): replays its recorded initialize
 * request into a fresh transport with the same id, through the SDK's public API. Undefined when the
 * session is unknown here and in the shared logs.
 */
export async function takeOverSession(
  sessionId: string,
  logs: SessionLogs,
  open: (id: string) => Promise<HttpSession>,
): Promise<HttpSession | undefined> {
  if (!logs.shared || !SESSION_ID.test(sessionId)) return undefined;
  const handshake = await logs.loadHandshake(sessionId).catch(() => undefined);
  if (!isInitializeRequest(handshake)) return undefined;
  const session = await open(sessionId);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const post = (body: unknown, extra: Record<string, string> = {}) =>
    session.transport.handleRequest(
      new Request('http://webstream.internal/mcp', {
        method: 'POST',
        headers: { ...headers, ...extra },
        body: JSON.stringify(body),
      }),
    );
  await (await post(handshake)).text();
  await (
    await post(
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { 'mcp-session-id': sessionId, 'mcp-protocol-version': handshake.params.protocolVersion },
    )
  ).text();
  return session;
}
