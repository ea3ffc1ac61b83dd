import { ProtocolError } from '@modelcontextprotocol/client';
import { ResourceUri } from '@ws/events';
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { fixtureProject, json, post, startTestServer, WAIT_MS } from './helpers.js';
import { ALL_TOOLS } from './mcpClient.js';
import { connectModernHttp, connectModernStdio, MODERN } from './mcpModernClient.js';

const defer = cleanupAfterEach();

async function server() {
  const running = await startTestServer({ cwd: fixtureProject() });
  defer(() => running.close());
  return running;
}

/** What the tests assert of a 2026-07-28 connection, over either transport. */
type Modern = Awaited<ReturnType<typeof connectModernHttp>>;

async function toolsAndResources(modern: Modern) {
  const { client } = modern;
  expect(client.getProtocolEra()).toBe('modern');
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([...ALL_TOOLS].sort());
  const pushed = await client.callTool({ name: 'push_stream', arguments: { message: 'hello 2026' } });
  expect(pushed.isError).toBeFalsy();
  expect(pushed.structuredContent).toMatchObject({ channel: 'default', id: expect.stringMatching(/^\d+-\d+$/) });
  // idempotencyKey: a retry answers the first push (a fresh server per request on HTTP, one store).
  const once = { message: 'once 2026', idempotencyKey: `modern-${Date.now()}` };
  const first = await client.callTool({ name: 'push_stream', arguments: once });
  const retry = await client.callTool({ name: 'push_stream', arguments: once });
  expect(first.structuredContent).toMatchObject({ id: expect.stringMatching(/^\d+-\d+$/) });
  expect(retry.structuredContent).toEqual(first.structuredContent);
  const history = await client.callTool({ name: 'stream_history', arguments: { limit: 5 } });
  expect(JSON.stringify(history.structuredContent)).toContain('hello 2026');
  const { resources } = await client.listResources();
  expect(resources.map((r) => r.uri)).toContain(ResourceUri.logsRecent);
  const read = await client.readResource({ uri: ResourceUri.scriptsAvailable });
  expect(JSON.stringify(read.contents)).toContain('crash');
  // SEP-2164: an unknown resource is -32602 on 2026-07-28, with the URI.
  const missing = await client.readResource({ uri: 'logs://nope' }).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(ProtocolError);
  expect((missing as ProtocolError).code).toBe(-32602);
  await promptsServed(modern);
}

/** The dev prompts on 2026-07-28: listed with their arguments, rendered by prompts/get. */
async function promptsServed({ client }: Modern) {
  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name)).toEqual(['debug_error', 'script_configuration', 'debug_request']);
  const got = await client.getPrompt({ name: 'script_configuration', arguments: { task: 'build' } });
  expect(got.messages[0]?.content).toMatchObject({ type: 'text', text: expect.stringMatching(/^Task: build\./) });
}

/** `subscriptions/listen` on two resources, then a crashing script: its dev events arrive on the stream. */
async function devEventsOnListen(modern: Modern) {
  const subscription = await modern.client.listen({
    resourceSubscriptions: [ResourceUri.processesActive, ResourceUri.logsRecent],
  });
  expect(subscription.honoredFilter.resourceSubscriptions).toEqual([
    ResourceUri.processesActive,
    ResourceUri.logsRecent,
  ]);
  const run = await modern.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
  expect(run.isError).toBeFalsy();
  const methods = () => modern.devEvents(ResourceUri.processesActive).map((e) => e.method);
  await until(() => methods().includes('notifications/process/exited'), WAIT_MS, 'the exit on the listen stream');
  expect(methods()).toEqual(['notifications/process/started', 'notifications/process/exited']);
  const lines = modern.devEvents(ResourceUri.logsRecent).map((e) => e.params.content);
  expect(lines).toContain('compiling...');
  // Nothing unrequested: logs://errors was not asked for.
  expect(modern.devEvents(ResourceUri.logsErrors)).toEqual([]);
  await subscription.close();
  expect(await subscription.closed).toBe('local');
}

describe('2026-07-28 with the official v2 client', () => {
  it('over HTTP: tools, resources, and dev events on subscriptions/listen', async () => {
    const running = await server();
    const modern = await connectModernHttp([running.url], defer);
    await toolsAndResources(modern);
    await devEventsOnListen(modern);
  });

  it('over stdio: tools, resources, and dev events on subscriptions/listen', async () => {
    const modern = await connectModernStdio(['--cwd', fixtureProject()], defer);
    await toolsAndResources(modern);
    await devEventsOnListen(modern);
  });

  it('answers malformed params with -32602 in one line, as the 2025 era does', async () => {
    const running = await server();
    const _meta = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
    };
    const body = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { _meta, name: 'push_stream', arguments: 5 } };
    const res = await post(`${running.url}/mcp`, body, {
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call',
      'mcp-name': 'push_stream',
    });
    expect(await json(res)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32602, message: 'Invalid params for tools/call: arguments must be an object (got number)' },
    });
  });

  it('answers an unsupported protocol version with -32022 and the supported list', async () => {
    const running = await server();
    const body = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2099-01-01',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
        },
      },
    };
    const res = await post(`${running.url}/mcp`, body, {
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2099-01-01',
      'mcp-method': 'tools/list',
    });
    const answer = await json(res);
    expect(answer.error.code).toBe(-32022);
    expect(answer.error.data.supported).toContain(MODERN);
    expect(answer.error.data.requested).toBe('2099-01-01');
  });
});
