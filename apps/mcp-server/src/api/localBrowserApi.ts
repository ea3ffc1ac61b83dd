import { BROWSER_LIST_DEFAULT_LIMIT, BROWSER_LIST_MAX_LIMIT, type JsonValue, type ReplResponse } from '@ws/events';
import type { ProcessManager } from '@ws/runner';
import type { ReplResult } from '@ws/telemetry';
import type { BrowserService } from '../browser/browserService.js';
import { buildTimeline } from '../browser/timeline.js';
import type { BrowserApi } from './browserApi.js';
import { failure, type Outcome, success } from './webstreamApi.js';

const limitOf = (limit: number | undefined) =>
  Math.min(Math.max(limit ?? BROWSER_LIST_DEFAULT_LIMIT, 1), BROWSER_LIST_MAX_LIMIT);

/** Why the REPL did not reach a page, as the status that means the same (the rest are answers). */
const REFUSALS: Partial<Record<string, 400 | 404 | 409 | 429 | 503>> = {
  disabled: 404,
  invalid: 400,
  'no-session': 409,
  'unknown-session': 404,
  'not-connected': 409,
  busy: 429,
  shutdown: 503,
};

const HINTS: Partial<Record<string, string>> = {
  disabled: ' (the server was started with --no-repl)',
  'no-session': ': open the proxy URL (proxy://mappings, scripts_status) in a browser first',
  'not-connected': ': the tab is hidden or still loading; bring it to the front and try again',
};

/** A REPL result as the caller's answer: code that ran (or threw, or timed out) is an answer; a refusal is a failure. */
export function replOutcome(result: ReplResult): Outcome<ReplResponse> {
  if (!result.ok) {
    const status = REFUSALS[result.code];
    if (status) return failure(status, `${result.message}${HINTS[result.code] ?? ''}`);
  }
  const base = {
    sessionId: result.sessionId ?? '',
    chosen: result.chosen ?? 'given',
    ...(result.url === undefined ? {} : { url: result.url }),
    ...(result.title === undefined ? {} : { title: result.title }),
    ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
  };
  if (result.ok) return success({ ...base, ok: true, value: result.value as JsonValue, type: result.type });
  const error = result.error ?? { name: result.code === 'timeout' ? 'TimeoutError' : 'Error', message: result.message };
  return success({ ...base, ok: false, error });
}

/** The browser half of the server in this process. */
export function createLocalBrowserApi(browser: BrowserService, runner: ProcessManager): BrowserApi {
  const { store, telemetry, proxies } = browser;
  return {
    mappings: async () => success(proxies.list()),
    map: ({ target, processId }) => proxies.map({ target, processId, source: 'tool' }),
    unmap: (target) => proxies.unmap(target),
    requests: async (query) =>
      success(
        store.list({
          status: query.status,
          method: query.method,
          url: query.url,
          processId: query.processId,
          since: query.since,
          limit: limitOf(query.limit),
        }) as never,
      ),
    sessions: async () => success(telemetry.sessions()),
    errors: async () => success(telemetry.errors()),
    console: async (query) =>
      success(
        telemetry.consoleEntries({
          minLevel: query.level,
          sessionId: query.sessionId,
          processId: query.processId,
          since: query.since,
          limit: limitOf(query.limit),
        }),
      ),
    network: async (query) => success(telemetry.networkFailures({ ...query, limit: limitOf(query.limit) })),
    repl: async (input) => replOutcome(await telemetry.repl.execute(input)),
    refresh: async (sessionId, timeoutMs) => replOutcome(await telemetry.repl.refresh(sessionId, timeoutMs)),
    navigate: async (sessionId, url) => replOutcome(await telemetry.repl.navigate(sessionId, url)),
    timeline: async (query) => success(buildTimeline({ runner, store, telemetry }, query)),
  };
}
