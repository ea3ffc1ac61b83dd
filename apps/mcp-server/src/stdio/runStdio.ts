import { realpathSync } from 'node:fs';
import { createRemoteApi } from '../api/remoteApi.js';
import type { Config } from '../config/config.js';
import { WebstreamError } from '../server/errors.js';
import type { Logger } from '../server/logger.js';
import { startServer } from '../server/startServer.js';
import { ownServer, STDIO_CLOSE_GRACE_MS } from './ownServer.js';
import { localUrl, type Probe, probeWebstream } from './probe.js';
import { mismatchedDevApi } from './projectMismatch.js';
import { serveStdio } from './stdioServer.js';

/** How often a front that lost the race to start the server looks again for the one that won. */
const START_ATTEMPTS = 3;

const samePath = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
};

/**
 * `webstream --stdio`: one webstream per project, whoever starts it first. If a webstream server already
 * answers at the configured address, this process is a thin MCP front for it (its tools act on that
 * server over HTTP, so a push reaches the page the user has open and dev processes are not started
 * twice); else it starts the server itself. Something else on the port is an error that says so.
 */
export async function runStdio(config: Config, logger: Logger, version: string): Promise<void> {
  const url = localUrl(config.host, config.port);
  for (let attempt = 1; ; attempt++) {
    const probe: Probe = config.port === 0 ? { kind: 'none', url } : await probeWebstream(url);
    if (probe.kind === 'webstream') return attach(probe, config, logger, version);
    if (probe.kind === 'other')
      throw new WebstreamError(
        'port_in_use',
        `port ${config.port} on ${config.host} is taken by something that is not webstream (${probe.detail}); choose another with --port <n>`,
      );
    try {
      return await startOwn(config, logger, version);
    } catch (error) {
      // Another front started the server between the probe and the listen: attach to it.
      const lostRace = error instanceof WebstreamError && error.code === 'port_in_use';
      if (!lostRace || attempt >= START_ATTEMPTS) throw error;
      logger.info(`port ${config.port} was taken meanwhile; looking for the webstream that took it`);
    }
  }
}

async function startOwn(config: Config, logger: Logger, version: string): Promise<void> {
  const running = await startServer(config, logger, version);
  logger.info(`listening on ${running.url} (stream: ${running.url}/stream); MCP on stdio`);
  const stop = ownServer(running, config, logger);
  // Closing stdin ends the server this process started, its dev processes first, quickly enough that the
  // client never has to signal it.
  await serveStdio({
    api: running.api,
    version,
    publicUrl: running.url,
    logger,
    channels: config.channels,
    onClose: () => void stop('stdio closed', STDIO_CLOSE_GRACE_MS),
  });
}

async function attach(probe: Extract<Probe, { kind: 'webstream' }>, config: Config, logger: Logger, version: string) {
  const { url } = probe;
  const api = await createRemoteApi({ url, token: config.token, onProblem: (m) => logger.warn(m) });
  const same = probe.project !== undefined && samePath(probe.project, config.cwd);
  const dev = same ? api.dev : mismatchedDevApi(url, probe.project ?? '(an unknown folder)', config.cwd);
  if (same)
    logger.info(`attached to the webstream server at ${url} (project ${probe.project}); acting as its MCP front`);
  else
    logger.warn(
      `the webstream server at ${url} supervises ${probe.project}, not ${config.cwd}: dev tools are off here; pushes still go to ${url}`,
    );
  const leave = async () => {
    // Only what this process started stops: nothing but its connection to the server.
    await api.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void leave());
  process.on('SIGTERM', () => void leave());
  await serveStdio({
    api: { ...api, dev },
    version,
    publicUrl: url,
    note: `These tools act on the webstream server already running at ${url}${same ? '' : ` (it supervises ${probe.project}, not ${config.cwd}: its dev tools are off here)`}.`,
    logger,
    channels: config.channels,
    onClose: () => void leave(),
  });
}
