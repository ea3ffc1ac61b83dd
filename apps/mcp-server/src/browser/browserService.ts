import type { IncomingMessage, ServerResponse } from 'node:http';
import { BrowserResourceUri, ResourceUri } from '@ws/events';
import { createRequestStore, type RequestStore } from '@ws/proxy';
import {
  ALL_CONSOLE_LEVELS,
  CONSOLE_LEVEL_RANK,
  type ConsoleLevel,
  createTelemetry,
  type Telemetry,
} from '@ws/telemetry';
import { type ConsoleCaptureLevel, parseProxyMap } from '../config/browserOptions.js';
import type { Config } from '../config/config.js';
import type { DevService } from '../dev/devEvents.js';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';
import { wireBrowserPublisher } from './browserPublisher.js';
import { createProxyManager, type ProxyExtras, type ProxyManager } from './proxyManager.js';

/** The options the browser half reads. */
export type BrowserConfig = Pick<
  Config,
  'noProxy' | 'proxyMap' | 'noRepl' | 'consoleLevel' | 'redactHeaders' | 'recordBodies' | 'maxProxyRequests'
>;

/** The browser half of the dev supervisor: one request store, one collector, the proxies. */
export interface BrowserService {
  readonly store: RequestStore;
  readonly telemetry: Telemetry;
  readonly proxies: ProxyManager;
  /** Starts the `--proxy-map` proxies; `ownPort` (the server's) is never proxied. */
  start(ownPort: number): Promise<void>;
  close(): Promise<void>;
}

/** What {@link createBrowserService} needs. */
export interface BrowserServiceDeps {
  config: BrowserConfig;
  dev: DevService;
  stream: StreamService;
  logger: Logger;
}

/** The telemetry `console` option of a `--console-level`. */
export function consoleCapture(level: ConsoleCaptureLevel): boolean | ConsoleLevel[] {
  if (level === 'off') return false;
  if (level === 'debug') return true;
  return ALL_CONSOLE_LEVELS.filter((l) => CONSOLE_LEVEL_RANK[l] >= CONSOLE_LEVEL_RANK[level]);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('no webstream endpoint here');
}

/** Recording, the injected page script and the collector on the reserved path, for each proxy. */
function proxyExtras(config: BrowserConfig, store: RequestStore, telemetry: Telemetry): ProxyExtras {
  return ({ processId, target, origin }) => ({
    store,
    redactHeaders: config.redactHeaders,
    recordBodies: config.recordBodies,
    inject: { html: (nonce) => telemetry.scriptTag(nonce) },
    reserved: {
      prefix: telemetry.base,
      handle(req: IncomingMessage, res: ServerResponse) {
        const own = origin();
        const origins = [own, own.replace('//127.0.0.1:', '//localhost:')];
        if (!telemetry.handle(req, res, { origins, target, processId: processId ?? undefined })) notFound(res);
      },
    },
  });
}

/**
 * Creates the browser half: a proxy per dev URL a process prints (unless `--no-proxy`), stopped when
 * the process ends; page telemetry on each proxy's reserved path; events to `/stream` and MCP sessions.
 */
export function createBrowserService(deps: BrowserServiceDeps): BrowserService {
  const { config, dev, logger } = deps;
  const store = createRequestStore({ maxEntries: config.maxProxyRequests });
  const telemetry = createTelemetry({ console: consoleCapture(config.consoleLevel), repl: !config.noRepl });
  let ownPort = -1;
  const proxies = createProxyManager({
    extras: proxyExtras(config, store, telemetry),
    ownPort: () => ownPort,
    logger,
    onChange: ({ action, mapping }) => {
      dev.announce(undefined, [BrowserResourceUri.proxyMappings, ResourceUri.processesActive]);
      deps.stream
        .push({
          channel: 'proxy',
          type: 'info',
          priority: 'normal',
          message: `proxy ${action === 'added' ? 'started' : 'stopped'}: ${mapping.proxyUrl} → ${mapping.target}`,
          data: { kind: 'mapping', action, mapping },
        })
        .catch((error: unknown) => logger.warn('could not publish a proxy mapping', { error: String(error) }));
    },
  });
  const unwire = wireBrowserPublisher({ store, telemetry, stream: deps.stream, announce: dev.announce, logger });
  const { runner } = dev;
  const onUrl = ({ processId, processName, url }: { processId: string; processName: string; url: string }) => {
    if (!config.noProxy) proxies.processUrl(processId, processName, url);
  };
  const onExit = ({ processId }: { processId: string }) => {
    proxies
      .processExited(processId)
      .catch((error: unknown) => logger.warn(`could not stop the proxy of ${processId}: ${String(error)}`));
  };
  const offUrl = runner.on('url', onUrl);
  const offExit = runner.on('exited', onExit);
  return {
    store,
    telemetry,
    proxies,
    async start(port) {
      ownPort = port;
      for (const entry of config.proxyMap) {
        const { target, port: proxyPort } = parseProxyMap(entry);
        const outcome = await proxies.map({ target, port: proxyPort, source: 'config' });
        if (!outcome.ok) logger.warn(`--proxy-map ${entry}: ${outcome.message}`);
      }
    },
    async close() {
      offUrl();
      offExit();
      unwire();
      await proxies.close();
      telemetry.close();
    },
  };
}
