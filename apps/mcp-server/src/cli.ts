#!/usr/bin/env -S node --max-semi-space-size=2
// The `webstream` command: parses config, starts the HTTP server, and with --stdio speaks MCP on stdin/stdout
// (as the front of an already running server when there is one). Nothing but MCP messages goes to stdout in
// stdio mode; logs go to stderr.
import { type Config, describeConfig, isLoopback, parseConfig } from './config/config.js';
import { jwtEnabled } from './http/security/jwt.js';
import { WebstreamError } from './server/errors.js';
import { createLogger, type Logger } from './server/logger.js';
import { startServer } from './server/startServer.js';
import { ownServer } from './stdio/ownServer.js';
import { runStdio } from './stdio/runStdio.js';
import { runTokenCommand } from './tokenCommand.js';
import { VERSION } from './version.js';

async function serve(config: Config, logger: Logger): Promise<void> {
  const running = await startServer(config, logger, VERSION);
  logger.info(`listening on ${running.url} (stream: ${running.url}/stream)`);
  ownServer(running, config, logger);
}

async function token(argv: string[]): Promise<void> {
  const minted = await runTokenCommand(argv, process.env);
  if (minted.ok) process.stdout.write(`${minted.token}\n`);
  else if (minted.help) process.stdout.write(minted.message);
  else {
    process.stderr.write(`webstream token: ${minted.message}\n`);
    process.exitCode = 2;
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'token') return token(process.argv.slice(3));
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
  if (!isLoopback(config.host) && config.token === undefined && !jwtEnabled(config))
    logger.warn(
      `listening on ${config.host} without a token: anyone who can reach this address can publish and read the stream; set WEBSTREAM_TOKEN (or --token)`,
    );
  if (config.stdio) await runStdio(config, logger, VERSION);
  else await serve(config, logger);
}

main().catch((error: unknown) => {
  const message = error instanceof WebstreamError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`webstream: ${message}\n`);
  process.exit(1);
});
