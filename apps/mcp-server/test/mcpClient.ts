import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import type { Defer } from '@ws/testing';

/** Every tool the server offers, over stdio and Streamable HTTP alike. */
export const ALL_TOOLS = [
  'push_stream',
  'stream_status',
  'stream_history',
  'message_status',
  'scripts_list',
  'scripts_run',
  'scripts_stop',
  'scripts_restart',
  'scripts_status',
  'logs_stream',
  'logs_search',
  'errors_list',
  'about',
  'messages_read',
  'logs_read',
  'errors_read',
  'processes_read',
  'scripts_read',
  'proxy_requests',
  'proxy_map',
  'timeline',
  'repl_execute',
  'browser_refresh',
  'browser_navigate',
  'requests_read',
  'page_read',
] as const;

/** The dev-process notification methods. */
export const DEV_METHODS = [
  'notifications/process/started',
  'notifications/logs/new',
  'notifications/error/detected',
  'notifications/process/exited',
];

/** A fetch that records the SSE event ids the client receives on GET streams (its resumption point). */
export function sniffingFetch(ids: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if ((init?.method ?? 'GET') !== 'GET' || !res.body) return res;
    let carry = '';
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        carry += new TextDecoder().decode(chunk);
        const lines = carry.split('\n');
        carry = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('id: ')) ids.push(line.slice(4));
        controller.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(tap), { status: res.status, headers: res.headers });
  };
}

/** The official SDK client over Streamable HTTP, recording every notification; closed through `defer`. */
export async function connectMcp(
  url: string,
  options: { sessionId?: string; ids?: string[]; headers?: Record<string, string> } = {},
  defer: Defer,
) {
  const notes: Notification[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    sessionId: options.sessionId,
    fetch: options.ids ? sniffingFetch(options.ids) : undefined,
    requestInit: options.headers ? { headers: options.headers } : undefined,
  });
  const client = new Client({ name: 'webstream-http-test', version: '1.0.0' });
  client.fallbackNotificationHandler = async (n) => {
    notes.push(n);
  };
  await client.connect(transport);
  defer(() => client.close());
  return { client, transport, notes, dev: () => notes.filter((n) => DEV_METHODS.includes(n.method)) };
}
