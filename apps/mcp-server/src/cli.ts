#!/usr/bin/env node
// The `webstream` command: parses config, starts the HTTP server, and with --stdio speaks MCP on stdin/stdout.
// Nothing but MCP messages goes to stdout in stdio mode; logs go to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { describeConfig, parseConfig } from './config/config.js';
import { connectMcpServer, createMcpServer } from './mcp/createMcpServer.js';
import { WebstreamError } from './server/errors.js';
import { createLogger } from './server/logger.js';
import { startServer } from './server/startServer.js';
import { VERSION } from './version.js';

/**
 * Grace between SIGTERM and SIGKILL for dev processes when an MCP client ends a stdio server: the
 * SDK client closes stdin, SIGTERMs 2 s later and SIGKILLs 2 s after that, so everything must be
 * gone well inside 2 s.
 */
const STDIO_CLOSE_GRACE_MS = 1000;

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
  /** Stops the dev process groups (SIGKILL after `graceMs`), then the server, then exits. */
  const stop = async (why: string, graceMs?: number) => {
    logger.info(`shutting down (${why})`);
    // Called again (say SIGTERM after stdin closed), a shorter grace takes over the pending one.
    const stopped = running.dev.runner.stopAll({ graceMs });
    if (stopping) return;
    stopping = true;
    await stopped;
    await running.close();
    process.exit(0);
  };
  // Never leave a dev process behind, however this process ends.
  process.on('exit', () => running.dev.runner.killAllSync());
  const signalGrace = config.stdio ? STDIO_CLOSE_GRACE_MS : undefined;
  process.on('SIGINT', () => void stop('SIGINT', signalGrace));
  process.on('SIGTERM', () => void stop('SIGTERM', signalGrace));

  if (config.stdio) {
    const mcp = createMcpServer({
      service: running.service,
      dev: running.dev,
      version: VERSION,
      publicUrl: running.url,
      publishPolicy: running.publishPolicy,
      onError: (what, error) => logger.warn('MCP notification not delivered', { what, error: String(error) }),
    });
    const transport = new StdioServerTransport();
    // The MCP client owns this process: when it closes stdin, the server goes too, and its dev
    // processes first, quickly enough that the client never has to signal it.
    transport.onclose = () => void stop('stdio closed', STDIO_CLOSE_GRACE_MS);
    process.stdin.on('end', () => void stop('stdin ended', STDIO_CLOSE_GRACE_MS));
    await connectMcpServer(mcp, transport);
    logger.info('MCP on stdio ready');
  }
}

main().catch((error: unknown) => {
  const message = error instanceof WebstreamError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`webstream: ${message}\n`);
  process.exit(1);
});
