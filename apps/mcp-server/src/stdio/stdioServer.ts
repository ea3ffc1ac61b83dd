import { StdioServerTransport, serveStdio as serveMcpStdio } from '@modelcontextprotocol/server/stdio';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { createMcpServer } from '../mcp/createMcpServer.js';
import { GuardedTransport } from '../mcp/paramsGuard.js';
import { ScriptTasks } from '../mcp/scriptTasks.js';
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
  /** Claude Code channels (`--channels`). */
  channels?: boolean;
  /** Called once when the client closes stdin (or the transport closes). */
  onClose: () => void;
}

/**
 * Speaks MCP on stdin/stdout, in the era the client opens with: `initialize` pins a 2025-era server (every
 * dev notification, `resources/subscribe`), a request with the `_meta` version envelope a 2026-07-28 one
 * (dev events as resource updates on its `subscriptions/listen` stream). One {@link createMcpServer} builds
 * both. Nothing else may write to stdout: logs go to stderr.
 */
export async function serveStdio(options: StdioOptions): Promise<void> {
  const { logger } = options;
  const deps = {
    api: options.api,
    tasks: options.api.dev ? new ScriptTasks(options.api.dev) : undefined,
    version: options.version,
    publicUrl: options.publicUrl,
    note: options.note,
    channels: options.channels,
    onError: (what: string, error: unknown) =>
      logger.warn('MCP notification not delivered', { what, error: String(error) }),
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.onClose();
  };
  // The MCP client owns this process: when it closes stdin, this process goes too.
  process.stdin.on('end', close);
  const transport = new GuardedTransport(new StdioServerTransport(), close);
  serveMcpStdio(({ era }) => createMcpServer(deps, era === 'legacy' ? 'session' : 'listen'), {
    transport,
    onerror: (error) => logger.debug('MCP on stdio', { error: error.message }),
  });
  logger.info('MCP on stdio ready');
}
