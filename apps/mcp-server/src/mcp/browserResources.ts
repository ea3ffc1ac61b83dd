import { BrowserResourceUri, RECENT_REQUESTS_LIMIT } from '@ws/events';
import type { BrowserApi } from '../api/browserApi.js';
import type { DevResource } from './devProcessResources.js';

/** The browser half's resources (all subscribable, updates coalesced like the dev resources'). */
export const BROWSER_RESOURCES: readonly string[] = Object.values(BrowserResourceUri);

/** Console lines `telemetry://console-errors` returns. */
export const RECENT_CONSOLE_ERRORS_LIMIT = 100;

/** `proxy://requests`, `proxy://mappings`, `telemetry://sessions`, `telemetry://errors`, `telemetry://console-errors`. */
export function browserResources(browser: BrowserApi): DevResource[] {
  return [
    {
      name: 'proxy-requests',
      uri: BrowserResourceUri.proxyRequests,
      title: 'Proxied requests',
      description: `The last ${RECENT_REQUESTS_LIMIT} requests through the dev-server proxies, newest first (status, duration, sizes, redacted headers)`,
      read: () => browser.requests({ limit: RECENT_REQUESTS_LIMIT }),
    },
    {
      name: 'proxy-mappings',
      uri: BrowserResourceUri.proxyMappings,
      title: 'Proxy mappings',
      description: 'Each dev server (target) and the proxy URL to open instead, with its process',
      read: () => browser.mappings(),
    },
    {
      name: 'telemetry-sessions',
      uri: BrowserResourceUri.telemetrySessions,
      title: 'Page sessions',
      description:
        'Pages open through the proxies: URL, title, visible or hidden, last seen, whether the REPL reaches them',
      read: () => browser.sessions(),
    },
    {
      name: 'telemetry-errors',
      uri: BrowserResourceUri.telemetryErrors,
      title: 'Page errors',
      description:
        'Uncaught errors and unhandled rejections in pages, grouped (count, first and last seen), stacks mapped to the source',
      read: () => browser.errors(),
    },
    {
      name: 'telemetry-console-errors',
      uri: BrowserResourceUri.telemetryConsoleErrors,
      title: 'Page console errors',
      description: `The last ${RECENT_CONSOLE_ERRORS_LIMIT} console.error lines of the pages, newest first`,
      read: () => browser.console({ level: 'error', limit: RECENT_CONSOLE_ERRORS_LIMIT }),
    },
  ];
}
