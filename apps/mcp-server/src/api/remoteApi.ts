import { type ApiClientOptions, createApiClient } from './httpClient.js';
import { createRemoteBrowserApi } from './remoteBrowserApi.js';
import { createRemoteDevApi } from './remoteDevApi.js';
import { createRemoteEvents } from './remoteEvents.js';
import { createRemoteStreamApi } from './remoteStreamApi.js';
import type { WebstreamApi } from './webstreamApi.js';

/** How long the front waits for the server's event stream to open before it serves without it. */
const EVENTS_OPEN_TIMEOUT_MS = 5000;
/** Timeout of the browser calls that wait for a page (the REPL waits at most 60 s). */
const PAGE_CALL_TIMEOUT_MS = 70_000;

/** Options of {@link createRemoteApi}. */
export interface RemoteApiOptions extends ApiClientOptions {
  /** Told about events the front could not relay (a `gap` on its stream) and a stream that did not open. */
  onProblem: (message: string) => void;
}

/**
 * The {@link WebstreamApi} of a webstream server running elsewhere (another process on this machine): its
 * HTTP API for calls, one EventSource on its `/stream` for the dev events. Resolves once that stream is
 * open, so a script started right after is followed from its first line.
 */
export async function createRemoteApi(options: RemoteApiOptions): Promise<WebstreamApi> {
  const client = createApiClient(options);
  const events = createRemoteEvents(client, (detail) =>
    options.onProblem(`dev events not relayed (the front fell behind the server's stream): ${detail}`),
  );
  if (!(await events.opened(EVENTS_OPEN_TIMEOUT_MS)))
    options.onProblem(
      `the event stream of ${client.url} did not open in ${EVENTS_OPEN_TIMEOUT_MS} ms; notifications will start when it does`,
    );
  return {
    stream: createRemoteStreamApi(client),
    dev: createRemoteDevApi(client, events),
    browser: createRemoteBrowserApi(client, createApiClient({ ...options, timeoutMs: PAGE_CALL_TIMEOUT_MS })),
    close: async () => events.close(),
  };
}
