// One webstream per project, whoever starts it first: the README's stdio client config, spawned with the
// official SDK's StdioClientTransport, attaches to a server that is already running (command 1), or starts
// one itself and stops it on close.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, freePort, isAlive, openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { CLI, fixtureProject, spawnWebstream, WAIT_MS } from './helpers.js';

const defer = cleanupAfterEach();

/** A copy of the fixture project (scripts crash, long, ...), so processes of one test stay in it. */
const project = () => fixtureProject('ws-front-');

/** Command 1: the server, started on its own (not by an MCP client), supervising `cwd`. */
async function startServerProcess(cwd: string, port: number) {
  const server = await spawnWebstream(['--port', String(port), '--cwd', cwd]);
  defer(() => server.stop());
  return server;
}

/** The README's client config (`node …/dist/cli.js --stdio --cwd <project>`), the port from the environment. */
async function stdioClient(cwd: string, port: number) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--stdio', '--cwd', cwd],
    env: { ...(process.env as Record<string, string>), WEBSTREAM_PORT: String(port) },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const notifications: Notification[] = [];
  const client = new Client({ name: 'front-test', version: '1.0.0' });
  client.fallbackNotificationHandler = async (n) => {
    notifications.push(n);
  };
  await client.connect(transport);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.close();
  };
  defer(close);
  return { client, transport, notifications, stderr: () => stderr, close };
}

const text = (result: unknown) => ((result as { content?: { text: string }[] }).content ?? [])[0]?.text ?? '';

describe('webstream --stdio with a server already running (one webstream per project)', () => {
  it("attaches to it: a push reaches that server's /stream, and its scripts are the project's", async () => {
    const cwd = project();
    const port = await freePort();
    const server = await startServerProcess(cwd, port);
    using page = openEventSource(`${server.url}/stream?format=json`);
    await page.opened;
    const front = await stdioClient(cwd, port);
    const pushed = await front.client.callTool({ name: 'push_stream', arguments: { message: 'from the assistant' } });
    expect(pushed.isError).toBeFalsy();
    await until(() => page.messages.some((m) => m.data.includes('from the assistant')), WAIT_MS, 'the push on /stream');
    expect((pushed.structuredContent as { clients: number }).clients).toBe(1);
    const scripts = await front.client.callTool({ name: 'scripts_list', arguments: {} });
    expect(scripts.structuredContent).toMatchObject({ cwd: expect.stringContaining('ws-front-') });
    expect(front.stderr()).toMatch(/attached to the webstream server at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('serves two stdio clients on one server: one starts a script, the other sees it (not started twice)', async () => {
    const cwd = project();
    const port = await freePort();
    await startServerProcess(cwd, port);
    const a = await stdioClient(cwd, port);
    const b = await stdioClient(cwd, port);
    const run = await a.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    expect(text(run)).toMatch(/crash exited with code 1/);
    const status = await b.client.callTool({ name: 'scripts_status', arguments: {} });
    expect((status.structuredContent as { processes: { name: string }[] }).processes.map((p) => p.name)).toContain(
      'crash',
    );
    // The other front relays the server's dev notifications too.
    await until(
      () => b.notifications.some((n) => n.method === 'notifications/process/exited'),
      WAIT_MS,
      'process/exited at the second client',
    );
    const errors = await b.client.callTool({ name: 'errors_list', arguments: {} });
    expect(JSON.stringify(errors.structuredContent)).toContain('crash.js');
  });

  it('says clearly when the running server supervises another project, and keeps pushing', async () => {
    const port = await freePort();
    await startServerProcess(project(), port);
    const other = mkdtempSync(join(tmpdir(), 'ws-other-'));
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'other', scripts: { dev: 'node -e 1' } }));
    const front = await stdioClient(other, port);
    const scripts = await front.client.callTool({ name: 'scripts_list', arguments: {} });
    expect(scripts.isError).toBe(true);
    expect(text(scripts)).toMatch(/supervises .*ws-front-.*, not .*ws-other-.* \(--cwd\)/);
    expect(front.stderr()).toMatch(/supervises .*ws-front-.*, not .*ws-other-/);
    const pushed = await front.client.callTool({ name: 'push_stream', arguments: { message: 'still works' } });
    expect(pushed.isError).toBeFalsy();
  });
});

describe('webstream --stdio with no server running', () => {
  it('starts the server itself, and stops it (and only it) when the client closes', async () => {
    const cwd = project();
    const port = await freePort();
    const front = await stdioClient(cwd, port);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toMatchObject({ service: 'webstream', project: expect.stringContaining('ws-front-') });
    const pid = front.transport.pid as number;
    await front.close();
    await until(() => !isAlive(pid), WAIT_MS, 'the stdio process to exit');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('leaves a server it attached to running when its client closes', async () => {
    const cwd = project();
    const port = await freePort();
    const server = await startServerProcess(cwd, port);
    const front = await stdioClient(cwd, port);
    await front.close();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});
