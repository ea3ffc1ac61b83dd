import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type LoggingLevel, SetLevelRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { WebstreamApi } from '../api/webstreamApi.js';
import { BROWSER_RESOURCES, browserResources } from './browserResources.js';
import { registerBrowserTools } from './browserTools.js';
import { registerDevResources } from './devProcessResources.js';
import { registerScriptTools } from './devProcessTools.js';
import { DEV_GUIDE, PUSH_GUIDE } from './guide.js';
import { registerLogTools } from './logTools.js';
import { registerDevPrompts } from './prompts/registerPrompts.js';
import { registerPushTools } from './pushTools.js';
import { registerBrowserReadTools, registerDevReadTools, registerStreamReadTools } from './readTools.js';
import { registerReplTools } from './replTools.js';
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
}

const DEV_INSTRUCTIONS = ` ${DEV_GUIDE}`;
const BROWSER_INSTRUCTIONS =
  ' Pages opened through the proxy URL (proxy://mappings, scripts_status) report to telemetry://errors, telemetry://console-errors and telemetry://sessions; proxy_requests lists their requests, timeline joins logs, requests and page errors by time, repl_execute runs JavaScript in a tab; requests_read and page_read follow requests and page events with cursors.';

/**
 * Builds the MCP server of one session (stdio, or one Streamable HTTP session): the push tools, and with
 * dev processes the script and log tools, the resources and the notifications.
 */
export function createMcpServer(deps: McpDeps): McpServer {
  const { api } = deps;
  const where = deps.publicUrl ? ` Web clients listen at ${deps.publicUrl}/stream.` : '';
  const note = deps.note ? `${deps.note} ` : '';
  const server = new McpServer(
    { name: 'webstream', version: deps.version ?? '0.0.0' },
    {
      capabilities: {
        tools: {},
        logging: {},
        ...(api.dev ? { resources: { subscribe: true, listChanged: true } } : {}),
      },
      instructions: `${note}Push real-time messages to web pages connected over Server-Sent Events.${where} ${PUSH_GUIDE}${api.dev ? DEV_INSTRUCTIONS : ''}${api.dev && api.browser ? BROWSER_INSTRUCTIONS : ''} The about tool says more.`,
    },
  );
  registerPushTools(server, api.stream, where);
  registerStreamReadTools(server, api.stream, api.dev !== undefined, where);

  // logging/setLevel: this server serves one session, so one level; tools filter their log lines by it.
  let logLevel: LoggingLevel | undefined;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    logLevel = request.params.level;
    return {};
  });

  if (api.dev) {
    registerScriptTools(server, api.dev, () => logLevel);
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
    const detach = attachDevSession(server, api.dev, deps.onError, browser ? BROWSER_RESOURCES : [], () => logLevel);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      detach();
      previous?.();
    };
  }
  return server;
}
