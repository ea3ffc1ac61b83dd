import type { McpServer } from '@modelcontextprotocol/server';
import { ProtocolError } from '@modelcontextprotocol/server';
import { RECENT_ERRORS_LIMIT, RECENT_LOGS_LIMIT, ResourceUri } from '@ws/events';
import type { DevApi, Outcome } from '../api/webstreamApi.js';

/**
 * JSON-RPC error code of `resources/read` for an unknown URI in the 2025 era (2025-11-25, Resources: Error
 * Handling). The SDK sends -32602 (the 2026-07-28 rule, SEP-2164); `paramsGuard.ts` restores -32002 for
 * 2025-era connections.
 */
export const RESOURCE_NOT_FOUND = -32002;
/** How the message of an unknown-resource error starts (how `paramsGuard.ts` recognizes it). */
export const RESOURCE_NOT_FOUND_MESSAGE = 'Resource not found: ';
/** JSON-RPC error code of a resource that exists but cannot be read now (the server's generic error range). */
const RESOURCE_UNAVAILABLE = -32000;
/** The resources of the dev-process service (all subscribable). */
export const DEV_RESOURCES: readonly string[] = [
  ResourceUri.logsRecent,
  ResourceUri.logsErrors,
  ResourceUri.processesActive,
  ResourceUri.scriptsAvailable,
];

/** A JSON-RPC error the SDK answers with exactly this code, message and data. */
export const rpcError = (code: number, message: string, data?: unknown) => new ProtocolError(code, message, data);

/** A resource: its name, URI, text and reader. */
export interface DevResource {
  name: string;
  uri: string;
  title: string;
  description: string;
  read: () => Promise<Outcome<unknown>>;
}

function devResources(dev: DevApi): DevResource[] {
  return [
    {
      name: 'recent-logs',
      uri: ResourceUri.logsRecent,
      title: 'Recent log lines',
      description: `The last ${RECENT_LOGS_LIMIT} lines of every process`,
      read: () => dev.logs({ limit: RECENT_LOGS_LIMIT }),
    },
    {
      name: 'error-logs',
      uri: ResourceUri.logsErrors,
      title: 'Recent error lines',
      description: `The last ${RECENT_ERRORS_LIMIT} error lines`,
      read: () => dev.logs({ level: 'error', limit: RECENT_ERRORS_LIMIT }),
    },
    {
      name: 'active-processes',
      uri: ResourceUri.processesActive,
      title: 'Running processes',
      description: 'Processes started by the server that are still running',
      read: () => dev.processes({ active: true }),
    },
    {
      name: 'available-scripts',
      uri: ResourceUri.scriptsAvailable,
      title: 'package.json scripts',
      description: 'Scripts, folder and package manager of the project',
      read: () => dev.scripts(),
    },
  ];
}

/**
 * Registers the dev-process resources ({@link DEV_RESOURCES}) and `more` (the browser half's), and answers
 * `resources/read` of any other URI with "Resource not found" and the URI.
 */
export function registerDevResources(server: McpServer, dev: DevApi, more: readonly DevResource[] = []): void {
  const resources = [...devResources(dev), ...more];
  const contents = async (uri: string, read: DevResource['read']) => {
    const outcome = await read();
    if (!outcome.ok) throw rpcError(RESOURCE_UNAVAILABLE, `${uri} cannot be read now: ${outcome.message}`, { uri });
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(outcome.value) }] };
  };
  for (const { name, uri, title, description, read } of resources)
    server.registerResource(name, uri, { title, description, mimeType: 'application/json' }, (u) =>
      contents(u.href, read),
    );
  // The SDK answers an unknown URI with -32602; the MCP spec says -32002 (Resource not found).
  const readers = new Map(resources.map((r) => [r.uri, r.read]));
  server.server.setRequestHandler('resources/read', async ({ params: { uri } }) => {
    const read = readers.get(uri);
    if (!read)
      throw rpcError(
        RESOURCE_NOT_FOUND,
        `${RESOURCE_NOT_FOUND_MESSAGE}${uri} (resources: ${[...readers.keys()].join(', ')})`,
        { uri },
      );
    return contents(uri, read);
  });
}
