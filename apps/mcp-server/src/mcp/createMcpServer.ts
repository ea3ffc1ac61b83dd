import { type LoggingLevel, McpServer } from '@modelcontextprotocol/server';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { BROWSER_RESOURCES, browserResources } from './browserResources.js';
import { registerBrowserTools } from './browserTools.js';
import { attachChannels, CHANNEL_CAPABILITY } from './channels.js';
import { registerDevResources } from './devProcessResources.js';
import { registerScriptTools, type SessionLevel } from './devProcessTools.js';
import { devApiEvents, devEventMeta, listenDevUpdates } from './devUpdates.js';
import { DEV_GUIDE, PUSH_GUIDE } from './guide.js';
import { registerLogTools } from './logTools.js';
import { registerDevPrompts } from './prompts/registerPrompts.js';
import { registerPushTools } from './pushTools.js';
import { registerBrowserReadTools, registerDevReadTools, registerStreamReadTools } from './readTools.js';
import { registerReplTools } from './replTools.js';
import { type ScriptTasks, TASKS_EXTENSION } from './scriptTasks.js';
import { registerTaskMethods } from './scriptTaskTools.js';
import { attachDevSession } from './sessionWiring.js';

/** What {@link createMcpServer} needs. */
export interface McpDeps {
  /** The webstream the tools act on: this process's, or a running server's over HTTP. */
  api: WebstreamApi;
  version?: string;
  /** Where web clients connect, for the tool descriptions (e.g. http://127.0.0.1:8000). */
  publicUrl?: string;
  /** Told when a notification could not be sent or stored (so it is never lost silently). Default: ignored. */
  onError?: (what: string, error: unknown) => void;
  /** A line the instructions start with (e.g. which server the tools act on). */
  note?: string;
  /** Claude Code channels (`--channels`): see `channels.ts`. Default: off. */
  channels?: boolean;
  /** Script tasks (the 2026-07-28 tasks extension), shared by the instances of one endpoint. */
  tasks?: ScriptTasks;
}

/**
 * How an instance is told about dev events: `session` (a 2025-era session: every dev notification, and
 * `resources/subscribe` with coalesced updates), `listen` (a 2026-07-28 stdio connection: resource
 * updates carrying the dev events, which the SDK puts on the client's `subscriptions/listen` stream), or
 * `none` (a 2026-07-28 HTTP request: the endpoint's event bus feeds the listen streams).
 */
export type DevWiring = 'session' | 'listen' | 'none';

const DEV_INSTRUCTIONS = ` ${DEV_GUIDE}`;
const BROWSER_INSTRUCTIONS =
  ' Pages opened through the proxy URL (proxy://mappings, scripts_status) report to telemetry://errors, telemetry://console-errors and telemetry://sessions; proxy_requests lists their requests, timeline joins logs, requests and page errors by time, repl_execute runs JavaScript in a tab; requests_read and page_read follow requests and page events with cursors.';

/**
 * Builds the MCP server of one session (stdio, or one Streamable HTTP session): the push tools, and with
 * dev processes the script and log tools, the resources and the notifications.
 */
export function createMcpServer(deps: McpDeps, wiring: DevWiring = 'session'): McpServer {
  const { api } = deps;
  // Tasks are a 2026-07-28 extension: 2025-era sessions keep progress notifications.
  const tasks = wiring !== 'session' && api.dev ? deps.tasks : undefined;
  const where = deps.publicUrl ? ` Web clients listen at ${deps.publicUrl}/stream.` : '';
  const note = deps.note ? `${deps.note} ` : '';
  const server = new McpServer(
    { name: 'webstream', version: deps.version ?? '0.0.0' },
    {
      capabilities: {
        tools: { listChanged: false },
        // The dev prompts (prompts/) on both eras; declared without dev processes too (an empty list).
        prompts: { listChanged: false },
        logging: {},
        ...(deps.channels ? { experimental: { [CHANNEL_CAPABILITY]: {} } } : {}),
        ...(tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
        ...(api.dev ? { resources: { subscribe: true, listChanged: true } } : {}),
      },
      instructions: `${note}Push real-time messages to web pages connected over Server-Sent Events.${where} ${PUSH_GUIDE}${api.dev ? DEV_INSTRUCTIONS : ''}${api.dev && api.browser ? BROWSER_INSTRUCTIONS : ''} The about tool says more.`,
    },
  );
  registerPushTools(server, api.stream, where);
  registerStreamReadTools(server, api.stream, api.dev !== undefined, where);

  // logging/setLevel: this server serves one session, so one level; tools filter their log lines by it.
  let logLevel: LoggingLevel | undefined;
  server.server.setRequestHandler('logging/setLevel', async (request) => {
    logLevel = request.params.level;
    return {};
  });

  if (api.dev) {
    registerScriptTools(server, api.dev, () => logLevel, tasks);
    if (tasks) registerTaskMethods(server, tasks);
    registerLogTools(server, api.dev, () => logLevel);
    registerDevReadTools(server, api.stream, api.dev);
    registerDevPrompts(server, api.dev, api.stream);
    const browser = api.browser;
    if (browser) {
      registerBrowserTools(server, browser);
      registerReplTools(server, browser);
      registerBrowserReadTools(server, api.stream);
    }
    registerDevResources(server, api.dev, browser ? browserResources(browser) : []);
    const detachDev = wireDev(server, api.dev, wiring, deps.onError, browser ? BROWSER_RESOURCES : [], () => logLevel);
    // Channels are unsolicited: 2025-era sessions only (2026-07-28 sends nothing a client did not ask for).
    const detachChannels =
      deps.channels && wiring === 'session' ? attachChannels(server, api.dev, deps.onError) : () => undefined;
    const detach = () => {
      detachDev();
      detachChannels();
    };
    const previous = server.server.onclose;
    server.server.onclose = () => {
      detach();
      previous?.();
    };
  }
  return server;
}

function wireDev(
  server: McpServer,
  dev: NonNullable<WebstreamApi['dev']>,
  wiring: DevWiring,
  onError: McpDeps['onError'],
  moreResources: readonly string[],
  level: SessionLevel,
) {
  if (wiring === 'session') return attachDevSession(server, dev, onError, moreResources, level);
  if (wiring === 'none') return () => undefined;
  // An instance the stdio entry built for a probe and never connected (or already closed) says nothing.
  return listenDevUpdates(devApiEvents(dev), (uri, event) =>
    !server.isConnected()
      ? undefined
      : server.server
          .sendResourceUpdated({ uri, ...(event ? { _meta: devEventMeta(event) } : {}) })
          .catch((error: unknown) => onError?.(`resources/updated ${uri}`, error)),
  );
}
