import { Client, type Notification, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { type Defer, until } from '@ws/testing';
import { CLI, STARTUP_MS } from './helpers.js';

/** The 2026-07-28 revision, pinned: the client never falls back to `initialize`. */
export const MODERN = '2026-07-28';

/** Where a dev event rides on a 2026-07-28 resource update: its `_meta` key (see src/mcp/devUpdates.ts). */
export const DEV_EVENT_KEY = 'webstream/event';

/** A v2 SDK client pinned to 2026-07-28, recording every `notifications/resources/updated` it gets. */
function modernClient() {
  const updates: Notification[] = [];
  const client = new Client(
    { name: 'webstream-modern-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
  client.setNotificationHandler('notifications/resources/updated', async (n) => {
    updates.push(n);
  });
  /** The dev events (`{ method, params }`) carried by the updates of `uri`. */
  const devEvents = (uri: string) =>
    updates
      .filter((n) => n.params?.uri === uri && n.params._meta?.[DEV_EVENT_KEY])
      .map((n) => n.params?._meta?.[DEV_EVENT_KEY] as { method: string; params: Record<string, unknown> });
  return { client, updates, devEvents };
}

/**
 * The official v2 client on 2026-07-28 over Streamable HTTP. `urls` with more than one entry is a
 * round-robin load balancer without sticky sessions: each HTTP request goes to the next instance.
 */
export async function connectModernHttp(urls: string[], defer: Defer) {
  let next = 0;
  const balanced: typeof fetch = (input, init) => {
    const target = new URL(String(input instanceof Request ? input.url : input));
    const base = new URL(urls[next++ % urls.length] as string);
    target.host = base.host;
    return fetch(target, init);
  };
  const transport = new StreamableHTTPClientTransport(new URL(`${urls[0]}/mcp`), { fetch: balanced });
  const modern = modernClient();
  await modern.client.connect(transport);
  defer(() => modern.client.close());
  return modern;
}

/** `webstream --stdio --port 0` through the v2 SDK's stdio transport, on 2026-07-28; also resolves its HTTP URL. */
export async function connectModernStdio(args: string[], defer: Defer) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--stdio', '--port', '0', ...args],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const modern = modernClient();
  await modern.client.connect(transport);
  defer(() => modern.client.close());
  await until(() => /listening on (http:\/\/\S+)/.test(stderr), STARTUP_MS, 'the listening line on stderr');
  const url = (/listening on (http:\/\/\S+)/.exec(stderr) as RegExpExecArray)[1] as string;
  return { ...modern, url };
}
