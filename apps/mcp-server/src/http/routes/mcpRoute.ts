import type { Handler } from 'hono';
import type { McpSessions } from '../../mcp/http/httpSessions.js';
import { setMcpCaller } from '../../mcp/http/mcpCaller.js';
import { type AppEnv, publisherOf } from '../appEnv.js';
import { problem } from '../problem.js';

/** `/mcp`: MCP over Streamable HTTP (POST, GET, DELETE), or 404 when the server has no MCP sessions. */
export function mcpRoute(mcp: McpSessions | undefined): Handler<AppEnv> {
  return async (c) => {
    if (!mcp) return problem(c, 404, 'MCP over HTTP is not enabled on this server');
    if (!['GET', 'POST', 'DELETE'].includes(c.req.method)) return problem(c, 405, 'use POST, GET or DELETE on /mcp');
    // push_stream limits by who called: the transport hands this to tool handlers (see mcpCaller.ts).
    setMcpCaller(c.req.raw, publisherOf(c));
    return mcp.handle(c.req.raw);
  };
}
