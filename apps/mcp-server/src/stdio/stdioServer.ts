import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { createMcpServer } from '../mcp/createMcpServer.js';
import { connectMcpServer } from '../mcp/paramsGuard.js';
import type { Logger } from '../server/logger.js';

/** What {@link serveStdio} needs. */
export interface StdioOptions {
  api: WebstreamApi;
  version: string;
  /** Where web clients connect (the server's URL). */
  publicUrl: string;
  /** A line for the instructions (which server the tools act on). */
  note?: string;
  logger: Logger;
  /** Called once when the client closes stdin (or the transport closes). */
  onClose: () => void;
}

/** Speaks MCP on stdin/stdout. Nothing else may write to stdout: logs go to stderr. */
export async function serveStdio(options: StdioOptions): Promise<void> {
  const { logger } = options;
  const mcp = createMcpServer({
    api: options.api,
    version: options.version,
    publicUrl: options.publicUrl,
    note: options.note,
    onError: (what, error) => logger.warn('MCP notification not delivered', { what, error: String(error) }),
  });
  const transport = new StdioServerTransport();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.onClose();
  };
  // The MCP client owns this process: when it closes stdin, this process goes too.
  transport.onclose = close;
  process.stdin.on('end', close);
  await connectMcpServer(mcp, transport);
  logger.info('MCP on stdio ready');
}
