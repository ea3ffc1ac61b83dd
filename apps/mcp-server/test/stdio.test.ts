import { readdirSync, readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, exited, isAlive, listenLocal, openEventSource, spawnReady, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { ackFrom, CLI, FIXTURE_PROJECT, identityOf, post, STARTUP_MS, spawnWebstream, WAIT_MS } from './helpers.js';
import { ALL_TOOLS } from './mcpClient.js';

const defer = cleanupAfterEach();

/** Spawns `webstream --stdio --port 0` through the SDK's stdio transport; resolves with the client and the HTTP URL. */
async function connectStdio(args: string[] = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--stdio', '--port', '0', ...args],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'webstream-test', version: '1.0.0' });
  await client.connect(transport);
  defer(() => client.close());
  await until(() => /listening on (http:\/\/\S+)/.test(stderr), STARTUP_MS, 'the listening line on stderr');
  const url = (/listening on (http:\/\/\S+)/.exec(stderr) as RegExpExecArray)[1] as string;
  return { client, url, stderr: () => stderr };
}

/** `webstream --stdio` spawned raw (no SDK client), once it says MCP is ready on stdio. */
const spawnStdio = (args: string[] = []) =>
  spawnReady(process.execPath, [CLI, '--stdio', '--port', '0', ...args], {
    ready: /MCP on stdio ready/,
    timeoutMs: STARTUP_MS,
  });

/** Live (not zombie) processes in a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

describe('webstream --stdio with the official MCP SDK client', () => {
  it('lists the tools with names clients accept', async () => {
    const { client } = await connectStdio();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...ALL_TOOLS].sort());
    for (const tool of tools) expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
    const push = tools.find((t) => t.name === 'push_stream');
    expect(push?.inputSchema.required).toEqual(['message']);
    expect(push?.outputSchema).toBeDefined();
  });

  it('push_stream reaches a real EventSource on /stream with the seed frame, and returns a structured result', async () => {
    const { client, url } = await connectStdio();
    using browser = openEventSource(`${url}/stream`);
    await browser.opened;
    const result = await client.callTool({
      name: 'push_stream',
      arguments: { message: 'Processing record 1000/5000' },
    });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { id: string; timestamp: string; clients: number; channel: string };
    expect(out).toMatchObject({ clients: 1, channel: 'default', type: 'info', priority: 'normal' });
    expect((result.content as { text: string }[])[0]?.text).toContain(out.id);
    await until(() => browser.messages.length === 1, WAIT_MS, 'the pushed message');
    expect(browser.messages[0]).toEqual({ data: `[${out.timestamp}] Processing record 1000/5000`, id: out.id });
  });

  it('a tool call and POST /api/push reach the same clients (one process, one hub)', async () => {
    const { client, url } = await connectStdio();
    using browser = openEventSource(`${url}/stream?format=json`);
    await browser.opened;
    await client.callTool({ name: 'push_stream', arguments: { message: 'from MCP', channel: 'ops', type: 'success' } });
    await post(`${url}/api/push`, { message: 'from HTTP', channel: 'ops' });
    await until(() => browser.messages.length === 2, WAIT_MS, 'both messages');
    expect(browser.messages.map((m) => JSON.parse(m.data).message)).toEqual(['from MCP', 'from HTTP']);
    const status = await client.callTool({ name: 'stream_status', arguments: {} });
    expect(status.structuredContent).toMatchObject({ clients: 1, published: 2 });
    const history = await client.callTool({ name: 'stream_history', arguments: { channel: 'ops', limit: 5 } });
    const messages = (history.structuredContent as { messages: { message: string; type: string }[] }).messages;
    expect(messages.map((m) => [m.message, m.type])).toEqual([
      ['from MCP', 'success'],
      ['from HTTP', 'info'],
    ]);
  });

  it('bad input gets isError with a message that says what to fix, and the server stays up', async () => {
    const { client } = await connectStdio();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /message/],
      [{ message: '' }, /message must not be empty/],
      [{ message: 'x', type: 'fatal' }, /type/],
      [{ message: 'x', channel: 'has space' }, /channel must be 1-64 characters/],
      [{ message: 'x', priority: 'urgent' }, /priority/],
    ];
    for (const [args, expected] of cases) {
      const result = await client.callTool({ name: 'push_stream', arguments: args });
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect((result.content as { text: string }[])[0]?.text).toMatch(expected);
    }
    const unknown = await client.callTool({ name: 'message_status', arguments: { id: 'nope' } });
    expect(unknown.isError).toBe(true);
    // Malformed params are a protocol error (-32602, one line), over stdio as over HTTP.
    await expect(
      client.request(
        { method: 'tools/call', params: { name: 'push_stream', arguments: 5 as unknown as Record<string, unknown> } },
        CallToolResultSchema,
      ),
    ).rejects.toMatchObject({
      code: -32602,
      message: 'MCP error -32602: Invalid params for tools/call: arguments must be an object (got number)',
    });
    const ok = await client.callTool({ name: 'push_stream', arguments: { message: 'still here' } });
    expect(ok.isError).toBeFalsy();
  });

  it('runs dev scripts over stdio too, with notifications, and /stream sees the same events on its channels', async () => {
    const { client, url } = await connectStdio(['--cwd', FIXTURE_PROJECT]);
    const notes: string[] = [];
    client.fallbackNotificationHandler = async (n) => {
      notes.push(n.method);
    };
    using web = openEventSource(`${url}/stream?format=json&channel=process&channel=errors`);
    await web.opened;
    const run = await client.callTool({ name: 'scripts_run', arguments: { name: 'crash' } });
    expect(run.structuredContent).toMatchObject({
      running: false,
      process: { exitCode: 1 },
      errors: [{ file: 'crash.js', line: 5 }],
    });
    await until(() => notes.includes('notifications/process/exited'), WAIT_MS, 'notifications over stdio');
    expect(notes).toEqual(
      expect.arrayContaining([
        'notifications/process/started',
        'notifications/logs/new',
        'notifications/error/detected',
      ]),
    );
    await until(() => web.messages.length === 3, WAIT_MS, 'process and error events on /stream');
    const envelopes = web.messages.map((m) => JSON.parse(m.data));
    expect(envelopes.map((e) => [e.channel, e.data.method])).toEqual([
      ['process', 'notifications/process/started'],
      ['errors', 'notifications/error/detected'],
      ['process', 'notifications/process/exited'],
    ]);
    expect(envelopes[1]).toMatchObject({
      type: 'error',
      priority: 'high',
      message: expect.stringMatching(/at crash\.js:5:19$/),
    });
  });

  it('leaves no dev process behind when the MCP client goes away', async () => {
    await using server = await spawnStdio(['--cwd', FIXTURE_PROJECT]);
    const send = (msg: object) => server.child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    await until(() => server.stdout().includes('"id":1'), WAIT_MS, 'initialize');
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'scripts_run', arguments: { name: 'long', waitMs: 1500 } },
    });
    await until(() => server.stdout().includes('"id":2'), WAIT_MS, 'the long script to start');
    const pid = Number(/"pid":(\d+)/.exec(server.stdout())?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(true);
    server.child.stdin.end();
    await exited(server.child, WAIT_MS, 'the server to exit on the end of stdin');
    await until(() => !isAlive(pid), WAIT_MS, 'the dev process to be gone');
  });

  it("the SDK client's own close() ends every dev process within its 2 s, even a child that ignores SIGTERM", async () => {
    const { client } = await connectStdio(['--cwd', FIXTURE_PROJECT]);
    const lines: string[] = [];
    client.fallbackNotificationHandler = async (n) => {
      if (n.method === 'notifications/logs/new') lines.push((n.params as { content: string }).content);
    };
    const run = await client.callTool({ name: 'scripts_run', arguments: { name: 'orphan', waitMs: 100 } });
    const pgid = (run.structuredContent as { process: { pid: number } }).process.pid; // the script's group leader
    await until(() => lines.includes('child ready'), 10_000, 'the child to start');
    const childPid = Number(/child pid (\d+)/.exec(lines.find((l) => l.includes('child pid')) ?? '')?.[1]);
    expect(groupMembers(pgid)).toContain(childPid);

    const started = Date.now();
    await client.close(); // ends stdin, waits 2 s, then SIGTERM, then SIGKILL 2 s later
    // The server went by itself on stdin's end, before the client had to signal it...
    expect(Date.now() - started).toBeLessThan(2000);
    // ...and took the whole group with it: the child that ignored SIGTERM got SIGKILL.
    await until(() => groupMembers(pgid).length === 0, WAIT_MS, `process group ${pgid} to be empty`);
  });

  it('acknowledgements are visible through message_status', async () => {
    const { client, url } = await connectStdio();
    using browser = openEventSource(`${url}/stream`, { named: ['connected'] });
    const identity = await identityOf(browser);
    const pushed = await client.callTool({ name: 'push_stream', arguments: { message: 'please ack' } });
    const { id } = pushed.structuredContent as { id: string };
    await post(`${url}/api/ack`, ackFrom(id, identity));
    const status = await client.callTool({ name: 'message_status', arguments: { id } });
    expect(status.structuredContent).toMatchObject({ id, reached: 1, acknowledged: 1 });
    expect(status.structuredContent).toMatchObject({ acks: [{ connection: identity.connection }] });
  });

  it('logs only to stderr: stdout carries MCP messages alone', async () => {
    await using server = await spawnStdio();
    server.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    await until(() => server.stdout().includes('\n'), WAIT_MS, 'the ping response');
    for (const line of server.stdout().trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(server.stderr()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  });

  it('exits when the MCP client closes stdin, and fails fast, naming the flag, when the port is taken by something else', async () => {
    // Not a webstream: a plain HTTP server that answers /health with something else.
    await using other = await listenLocal((_req, res) => res.end('hello'));
    const port = String(other.port);
    const refused = await spawnWebstream(['--stdio', '--port', port]).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/ exited \(1\) before printing /);
    expect((refused as Error).message).toContain(
      `port ${port} on 127.0.0.1 is taken by something that is not webstream`,
    );
    expect((refused as Error).message).toContain('--port');

    await using server = await spawnWebstream(['--stdio', '--port', '0']);
    server.child.stdin.end();
    expect(await exited(server.child, WAIT_MS, 'the server to exit on the end of stdin')).toEqual({
      code: 0,
      signal: null,
    });
  });
});
