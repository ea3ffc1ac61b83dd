import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, until } from '@ws/testing';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { describe, expect, it } from 'vitest';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();

async function server() {
  const running = await startTestServer({ cwd: fixtureProject('ws-protocol-') });
  defer(() => running.close());
  return running;
}

type RpcReply = { jsonrpc: '2.0'; id: number; result?: Record<string, unknown>; error?: RpcError };
type RpcError = { code: number; message: string; data?: unknown };

/** A raw JSON-RPC client over Streamable HTTP: POSTs, and reads the SSE answer with eventsource-parser. */
async function rawSession(url: string) {
  let sessionId = '';
  const call = async (body: Record<string, unknown>): Promise<RpcReply | undefined> => {
    const res = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', ...body }),
    });
    expect(res.status).toBeLessThan(300);
    sessionId ||= res.headers.get('mcp-session-id') ?? '';
    if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
      await res.body?.cancel();
      return undefined;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    try {
      for (let i = 0; i < 100; i++) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.data === '') continue; // the priming event
        const message = JSON.parse(value.data) as RpcReply;
        if (message.id === body.id) return message;
      }
    } finally {
      await reader.cancel();
    }
    throw new Error(`no answer to ${JSON.stringify(body)}`);
  };
  await call({
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await call({ method: 'notifications/initialized' });
  return call;
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
};

describe('MCP protocol errors and logging levels (official SDK client and raw JSON-RPC)', () => {
  it('tools/call with non-object arguments (and other malformed params) answers -32602 in one line', async () => {
    const running = await server();
    const call = await rawSession(running.url);
    const cases: [unknown, string][] = [
      [5, 'Invalid params for tools/call: arguments must be an object (got number)'],
      [[], 'Invalid params for tools/call: arguments must be an object (got an array)'],
      ['run crash', 'Invalid params for tools/call: arguments must be an object (got string)'],
      [null, 'Invalid params for tools/call: arguments must be an object (got null)'],
    ];
    let id = 1;
    for (const [args, message] of cases) {
      const reply = await call({ id: ++id, method: 'tools/call', params: { name: 'scripts_list', arguments: args } });
      expect(reply?.error, JSON.stringify(args)).toEqual({ code: -32602, message });
    }
    expect((await call({ id: ++id, method: 'tools/call', params: { arguments: {} } }))?.error).toEqual({
      code: -32602,
      message: 'Invalid params for tools/call: name must be a string (got undefined)',
    });
    expect((await call({ id: ++id, method: 'logging/setLevel', params: { level: 'loud' } }))?.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(
        /^Invalid params for logging\/setLevel: level must be one of "debug", .*"emergency" \(got "loud"\)$/,
      ),
    });
    expect((await call({ id: ++id, method: 'resources/read', params: { uri: 5 } }))?.error).toEqual({
      code: -32602,
      message: 'Invalid params for resources/read: uri must be a string (got number)',
    });
    // The same through the SDK client, and the session still works.
    const { client } = await connectMcp(running.url, {}, defer);
    const error = await rejection(
      client.request(
        { method: 'tools/call', params: { name: 'scripts_list', arguments: 5 as unknown as Record<string, unknown> } },
        CallToolResultSchema,
      ),
    );
    expect(error.code).toBe(-32602);
    expect(error.message).toBe(
      'MCP error -32602: Invalid params for tools/call: arguments must be an object (got number)',
    );
    expect(
      (await call({ id: ++id, method: 'tools/call', params: { name: 'scripts_list', arguments: {} } }))?.result,
    ).toMatchObject({ structuredContent: { packageManager: 'npm' } });
    expect((await client.callTool({ name: 'scripts_list', arguments: {} })).isError).toBeFalsy();
  });

  it('resources/read of an unknown URI answers -32002 (Resource not found) with the URI', async () => {
    const running = await server();
    const call = await rawSession(running.url);
    expect((await call({ id: 1, method: 'resources/read', params: { uri: 'logs://nope' } }))?.error).toEqual({
      code: -32002,
      message:
        'Resource not found: logs://nope (resources: logs://recent, logs://errors, processes://active, scripts://available, proxy://requests, proxy://mappings, telemetry://sessions, telemetry://errors, telemetry://console-errors)',
      data: { uri: 'logs://nope' },
    });
    const { client } = await connectMcp(running.url, {}, defer);
    const error = await rejection(client.readResource({ uri: 'file:///etc/passwd' }));
    expect(error.code).toBe(-32002);
    expect(error.message).toMatch(/Resource not found: file:\/\/\/etc\/passwd/);
    expect(error.data).toEqual({ uri: 'file:///etc/passwd' });
    const scripts = await client.readResource({ uri: 'scripts://available' });
    expect(JSON.parse((scripts.contents[0] as { text: string }).text)).toMatchObject({ packageManager: 'npm' });
  });

  it('each process line reaches a session once: as logs/new, or after logging/setLevel as notifications/message at its level', async () => {
    const running = await server();
    const notNpm = ([, content]: string[]) => !content?.startsWith('npm '); // npm's own warnings depend on the environment
    const run = async (level?: 'error' | 'warning' | 'debug') => {
      const session = await connectMcp(running.url, {}, defer);
      if (level) await session.client.setLoggingLevel(level);
      const result = await session.client.callTool({ name: 'scripts_run', arguments: { name: 'levels' } });
      expect(result.structuredContent).toMatchObject({ running: false, process: { exitCode: 0 } });
      await until(
        () => session.dev().some((n) => n.method === 'notifications/process/exited'),
        WAIT_MS,
        'the exited notification',
      );
      const messages = session.notes
        .filter((n) => n.method === 'notifications/message')
        .map((n) => [String(n.params?.level), String((n.params?.data as { content: string } | undefined)?.content)])
        .filter(notNpm);
      const logs = session
        .dev()
        .filter((n) => n.method === 'notifications/logs/new')
        .map((n) => (n.params as { content: string }).content);
      return { messages, logs };
    };
    expect(await run('error')).toEqual({ messages: [['error', 'Error: boom']], logs: [] });
    const warnings = await run('warning');
    expect(warnings.logs).toEqual([]);
    expect(warnings.messages).toEqual(
      expect.arrayContaining([
        ['warning', 'Warning: this option is deprecated'],
        ['error', 'Error: boom'],
      ]),
    );
    expect(warnings.messages, JSON.stringify(warnings)).toHaveLength(2);
    const debug = await run('debug');
    expect(debug.logs).toEqual([]);
    expect(debug.messages).toEqual(
      expect.arrayContaining([
        ['info', 'an info line'],
        ['warning', 'Warning: this option is deprecated'],
        ['notice', 'a note on stderr'],
        ['error', 'Error: boom'],
      ]),
    );
    // No level set: every line as logs/new, once, and no logging messages.
    const plain = await run();
    expect(plain.messages).toEqual([]);
    const ours = ['an info line', 'Warning: this option is deprecated', 'a note on stderr', 'Error: boom'];
    expect(plain.logs.filter((l) => ours.includes(l)).sort()).toEqual([...ours].sort());
  });

  it('scripts_run of a script already running returns that process (alreadyRunning) instead of a duplicate', async () => {
    const running = await server();
    const { client } = await connectMcp(running.url, {}, defer);
    const first = await client.callTool({ name: 'scripts_run', arguments: { name: 'long', waitMs: 200 } });
    const { process: proc } = first.structuredContent as { process: { id: string; pid: number } };
    expect(first.structuredContent).toMatchObject({ running: true, alreadyRunning: false });
    const second = await client.callTool({ name: 'scripts_run', arguments: { name: 'long', waitMs: 5000 } });
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent).toMatchObject({
      running: true,
      alreadyRunning: true,
      process: { id: proc.id, pid: proc.pid, status: 'running' },
    });
    expect((second.content as { text: string }[])[0]?.text).toMatch(
      new RegExp(`^long is already running as ${proc.id} \\(pid ${proc.pid}\\).*scripts_restart starts a new one`),
    );
    expect(running.dev.runner.list().filter((p) => p.script === 'long')).toHaveLength(1);
    const restarted = await client.callTool({ name: 'scripts_restart', arguments: { processId: proc.id } });
    const fresh = (restarted.structuredContent as { process: { id: string } }).process;
    expect(fresh.id).not.toBe(proc.id);
    expect(running.dev.runner.list({ active: true }).map((p) => p.id)).toEqual([fresh.id]);
    await client.callTool({ name: 'scripts_stop', arguments: { processId: fresh.id } });
  });
});
