#!/usr/bin/env node
// The `webstream` command: parses config, starts the HTTP server, and with --stdio speaks MCP on stdin/stdout.
// Nothing but MCP messages goes to stdout in stdio mode; logs go to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { describeConfig, parseConfig } from './config.js';
import { WebstreamError } from './errors.js';
import { createLogger } from './logger.js';
import { createMcpServer } from './mcp.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`webstream: ${parsed.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const logger = createLogger(config.logLevel);
  logger.info('config', describeConfig(config));
  const running = await startServer(config, logger, VERSION);
  logger.info(`listening on ${running.url} (stream: ${running.url}/stream)`);

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`shutting down (${why})`);
    await running.close();
    process.exit(0);
  };
  // Never leave a dev process behind, however this process ends.
  process.on('exit', () => running.dev.runner.killAllSync());
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (config.stdio) {
    const mcp = createMcpServer({
      service: running.service,
      dev: running.dev,
      version: VERSION,
      publicUrl: running.url,
      onError: (what, error) => logger.warn('MCP notification not delivered', { what, error: String(error) }),
    });
    const transport = new StdioServerTransport();
    // The MCP client owns this process: when it closes stdin, the server goes too.
    transport.onclose = () => void stop('stdio closed');
    process.stdin.on('end', () => void stop('stdin ended'));
    await mcp.connect(transport);
    logger.info('MCP on stdio ready');
  }
}

main().catch((error: unknown) => {
  const message = error instanceof WebstreamError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`webstream: ${message}\n`);
  process.exit(1);
});
