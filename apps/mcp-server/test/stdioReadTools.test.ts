import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURE_PROJECT, fixtureProject, STARTUP_MS, spawnWebstream, WAIT_MS } from './helpers.js';
import { burst, contents, read } from './readTools.js';

const defer = cleanupAfterEach();

/** `webstream --stdio` with the official SDK client, recording every notification. */
async function stdioClient(args: string[]) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--stdio', ...args],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const notes: Notification[] = [];
  const client = new Client({ name: 'webstream-read-test', version: '1.0.0' });
  client.fallbackNotificationHandler = async (n) => {
    notes.push(n);
  };
  await client.connect(transport);
  defer(() => client.close());
  await until(() => /MCP on stdio ready/.test(stderr), STARTUP_MS, 'MCP on stdio ready');
  return { client, notes, stderr: () => stderr };
}

const LEVEL_LINES = ['an info line', 'Warning: this option is deprecated', 'a note on stderr', 'Error: boom'];

/** The contents of the process lines among `notes`, by the method that carried them. */
function lineNotes(notes: Notification[]) {
  const content = (n: Notification) =>
    ((n.method === 'notifications/message' ? n.params?.data : n.params) as { content?: string } | undefined)?.content ??
    '';
  const ofMethod = (method: string) =>
    notes
      .filter((n) => n.method === method)
      .map(content)
      .filter((c) => LEVEL_LINES.includes(c));
  return { logsNew: ofMethod('notifications/logs/new'), messages: ofMethod('notifications/message') };
}

describe('read tools and log notifications over stdio (official SDK client)', () => {
  it('each log line reaches the client once: logs/new without a level, notifications/message after setLevel', async () => {
    const { client, notes } = await stdioClient(['--port', '0', '--cwd', FIXTURE_PROJECT]);
    const runLevels = async () => {
      const before = notes.length;
      await client.callTool({ name: 'scripts_run', arguments: { name: 'levels' } });
      await until(
        () => notes.slice(before).some((n) => n.method === 'notifications/process/exited'),
        WAIT_MS,
        'exited',
      );
      return lineNotes(notes.slice(before));
    };
    const plain = await runLevels();
    expect(plain.messages).toEqual([]);
    expect([...plain.logsNew].sort()).toEqual([...LEVEL_LINES].sort());
    await client.setLoggingLevel('info');
    const leveled = await runLevels();
    expect(leveled.logsNew).toEqual([]);
    expect([...leveled.messages].sort()).toEqual([...LEVEL_LINES].sort());
  });

  it(
    'a stdio front of a running server reads with cursors through it, across a reconnect of the front',
    async () => {
      const dir = fixtureProject();
      await using server = await spawnWebstream(['--port', '0', '--cwd', dir]);
      const port = new URL(server.url).port;
      const ours = { pattern: '^(burst ready|line \\d+)$' };
      const front = await stdioClient(['--port', port, '--cwd', dir]);
      expect(front.stderr()).toMatch(/acting as its MCP front/);
      await front.client.callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 0 } });
      burst(dir, 2);
      await until(
        async () => contents(await read(front.client, 'logs_read', ours)).includes('line 2'),
        WAIT_MS,
        'line 2',
      );
      const first = await read(front.client, 'logs_read', ours);
      expect(contents(first)).toEqual(['burst ready', 'line 1', 'line 2']);
      await front.client.close();
      burst(dir, 2);
      const again = await stdioClient(['--port', port, '--cwd', dir]);
      await until(
        async () => contents(await read(again.client, 'logs_read', ours)).includes('line 4'),
        WAIT_MS,
        'line 4',
      );
      const next = await read(again.client, 'logs_read', { ...ours, cursor: first.structured.cursor });
      expect(contents(next)).toEqual(['line 3', 'line 4']);
      const prompts = await again.client.listPrompts();
      expect(prompts.prompts.map((p) => p.name).sort()).toEqual([
        'debug_error',
        'debug_request',
        'script_configuration',
      ]);
    },
    3 * STARTUP_MS,
  ); // three processes start one after the other (the server, then two fronts)
});
