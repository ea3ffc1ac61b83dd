// Fuzz: every MCP tool's arguments through the official SDK client over Streamable HTTP, generated from
// the input schemas the server lists (tools/list) plus junk. A call ends in a result, an isError result
// with a text message, or a JSON-RPC error with a message that is never -32603 (internal error).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS, connectMcp } from '../mcpClient.js';
import { specialString, weirdString } from './arbitraries.js';
import { createCollector, describeValue, type Violation } from './collector.js';
import { argumentsFor, type JsonSchema } from './jsonSchemaArb.js';
import { INTERNAL, normalize } from './oracle.js';
import { HANG_MS } from './rawHttp.js';
import { CAMPAIGN, runFuzz, testTimeout } from './runner.js';
import { type FuzzTarget, finishTarget, inProcessTarget } from './target.js';
import { createToolGuard } from './toolGuard.js';

const c = createCollector('mcpTools');
const guard = createToolGuard(CAMPAIGN ? 40 : 6);
let target: FuzzTarget;
let client: Client;
let tools: Tool[] = [];
const cleanup: (() => unknown)[] = [];

const textOf = (content: unknown): string =>
  Array.isArray(content)
    ? content
        .filter((p): p is { type: 'text'; text: string } => p?.type === 'text' && typeof p.text === 'string')
        .map((p) => p.text)
        .join('\n')
        .trim()
    : '';

async function callOnce(name: string, args: unknown): Promise<Violation[]> {
  const reproducer = describeValue({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });
  try {
    const result = await client.callTool({ name, arguments: args as Record<string, unknown> }, undefined, {
      timeout: HANG_MS,
    });
    c.status(result.isError ? 'isError' : 'result');
    if (result.isError && textOf(result.content) === '')
      return [{ kind: 'mcp-error', what: `${name} → isError result without a text message`, reproducer }];
    if (result.isError && INTERNAL.test(textOf(result.content)))
      return [
        {
          kind: 'mcp-error',
          what: `${name} → isError with an internal exception: ${normalize(textOf(result.content))}`,
          reproducer,
        },
      ];
    return [];
  } catch (error) {
    if (error instanceof StreamableHTTPError && typeof error.code === 'number') {
      // An HTTP error answer: fine if it is a 4xx saying what is wrong (e.g. 413 over --max-body-bytes).
      c.status(error.code);
      const said = /Error POSTing to endpoint: (.*)$/s.exec(error.message)?.[1] ?? '';
      if (error.code >= 500)
        return [{ kind: 'server-error', what: `${name} → HTTP ${error.code} ${normalize(said)}`, reproducer }];
      if (said.trim() === '')
        return [{ kind: 'no-message', what: `${name} → HTTP ${error.code} without a message`, reproducer }];
      return [];
    }
    if (!(error instanceof McpError)) {
      c.status('transport error');
      return [{ kind: 'server-error', what: `${name} → ${normalize(String(error))}`, reproducer }];
    }
    c.status(`error ${error.code}`);
    if (error.code === ErrorCode.RequestTimeout)
      return [{ kind: 'hang', what: `${name} → no answer in ${HANG_MS} ms`, reproducer }];
    if (error.code === ErrorCode.InternalError || INTERNAL.test(error.message))
      return [{ kind: 'mcp-error', what: `${name} → -32603 ${normalize(error.message)}`, reproducer }];
    if (/structured content/i.test(error.message))
      return [
        {
          kind: 'mismatch',
          what: `${name} → result does not match its output schema: ${normalize(error.message)}`,
          reproducer,
        },
      ];
    if (error.message.replace(/^MCP error -?\d+:\s*/, '').trim() === '')
      return [{ kind: 'mcp-error', what: `${name} → error ${error.code} without a message`, reproducer }];
    return [];
  }
}

describe('fuzz: MCP tool arguments through the SDK client (in-process server, Streamable HTTP)', () => {
  beforeAll(async () => {
    target = await inProcessTarget();
    ({ client } = await connectMcp(target.url, {}, (...steps) => cleanup.push(...steps)));
    tools = (await client.listTools()).tools;
  }, 20_000);

  afterAll(async () => {
    for (const fn of cleanup.splice(0)) await fn();
    await finishTarget(target, c);
  }, 20_000);

  it('lists every tool, each with an object input schema', () => {
    expect(tools.map((t) => t.name).sort()).toEqual([...ALL_TOOLS].sort());
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
  });

  it(
    'mcp tool arguments: a result, an isError result with text, or an error with a message (never -32603)',
    async () => {
      const perTool = tools.map((t) =>
        argumentsFor(t.inputSchema as JsonSchema).map((args) => ({ name: t.name, args })),
      );
      const unknownTool = fc
        .tuple(
          fc.oneof(weirdString(20), specialString, fc.constantFrom('PUSH_STREAM', 'push_stream ', 'scripts_run\0')),
          fc.object(),
        )
        .map(([name, args]) => ({ name, args: args as unknown }));
      const call = fc.oneof(...perTool, unknownTool);
      await runFuzz(c, 'mcp tool arguments', call, async ({ name, args }) =>
        callOnce(name, guard.sanitize(name, args)),
      );
    },
    testTimeout('mcp tool arguments'),
  );
});
