import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { RECENT_ERRORS_LIMIT, RECENT_LOGS_LIMIT, ResourceUri } from '@ws/events';
import type { ProcessManager, StoredLog } from '@ws/runner';

/** JSON-RPC error code of `resources/read` for an unknown URI (MCP spec, Resources: Error Handling). */
export const RESOURCE_NOT_FOUND = -32002;
/** The resources of the dev-process service (all subscribable). */
export const DEV_RESOURCES: readonly string[] = [
  ResourceUri.logsRecent,
  ResourceUri.logsErrors,
  ResourceUri.processesActive,
  ResourceUri.scriptsAvailable,
];

/** A JSON-RPC error the SDK answers with exactly this code, message and data (no "MCP error" prefix). */
export const rpcError = (code: number, message: string, data?: unknown) =>
  Object.assign(new Error(message), { code, data });

/** A stored log line as clients see it. */
export const publicLog = ({ plain: _p, time: _t, ...entry }: StoredLog) => entry;

/**
 * Registers the dev-process resources ({@link DEV_RESOURCES}) and answers `resources/read` of any
 * other URI with {@link RESOURCE_NOT_FOUND} and the URI (the SDK would answer -32602).
 */
export function registerDevResources(server: McpServer, runner: ProcessManager): void {
  const resources: { name: string; uri: string; title: string; description: string; read: () => unknown }[] = [
    {
      name: 'recent-logs',
      uri: ResourceUri.logsRecent,
      title: 'Recent log lines',
      description: `The last ${RECENT_LOGS_LIMIT} lines of every process`,
      read: () => runner.logs.recent(RECENT_LOGS_LIMIT).map(publicLog),
    },
    {
      name: 'error-logs',
      uri: ResourceUri.logsErrors,
      title: 'Recent error lines',
      description: `The last ${RECENT_ERRORS_LIMIT} error lines`,
      read: () => runner.logs.search({ level: 'error', limit: RECENT_ERRORS_LIMIT }).map(publicLog),
    },
    {
      name: 'active-processes',
      uri: ResourceUri.processesActive,
      title: 'Running processes',
      description: 'Processes started by the server that are still running',
      read: () => runner.list({ active: true }),
    },
    {
      name: 'available-scripts',
      uri: ResourceUri.scriptsAvailable,
      title: 'package.json scripts',
      description: 'Scripts and package manager of the project',
      read: () => ({ packageManager: runner.packageManager, scripts: runner.scripts() }),
    },
  ];
  const contents = (uri: string, value: unknown) => ({
    contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }],
  });
  for (const { name, uri, title, description, read } of resources)
    server.registerResource(name, uri, { title, description, mimeType: 'application/json' }, async (u) =>
      contents(u.href, read()),
    );
  // The SDK answers an unknown URI with -32602; the MCP spec says -32002 (Resource not found).
  const readers = new Map(resources.map((r) => [r.uri, r.read]));
  server.server.setRequestHandler(ReadResourceRequestSchema, async ({ params: { uri } }) => {
    const read = readers.get(uri);
    if (!read)
      throw rpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} (resources: ${DEV_RESOURCES.join(', ')})`, {
        uri,
      });
    return contents(uri, read());
  });
}
