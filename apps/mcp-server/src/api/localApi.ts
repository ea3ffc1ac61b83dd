import type { BrowserService } from '../browser/browserService.js';
import type { DevService } from '../dev/devEvents.js';
import type { PublishPolicy } from '../limits/publishPolicy.js';
import type { StreamService } from '../stream/streamService.js';
import { createLocalBrowserApi } from './localBrowserApi.js';
import { createLocalDevApi } from './localDevApi.js';
import { createLocalStreamApi } from './localStreamApi.js';
import type { WebstreamApi } from './webstreamApi.js';

/** The {@link WebstreamApi} of the server in this process. */
export function createLocalApi(deps: {
  service: StreamService;
  dev?: DevService | undefined;
  publishPolicy?: PublishPolicy | undefined;
  /** The proxies and page telemetry (with dev processes). */
  browser?: BrowserService | undefined;
}): WebstreamApi {
  const { dev, browser } = deps;
  return {
    stream: createLocalStreamApi(deps.service, deps.publishPolicy),
    dev: dev ? createLocalDevApi(dev, browser ? (id) => browser.proxies.proxyUrlOf(id) : undefined) : undefined,
    browser: dev && browser ? createLocalBrowserApi(browser, dev.runner) : undefined,
    close: async () => undefined,
  };
}
