// The browser half through the stdio thin front (issue 10): the built server runs the fixture dev
// server behind its proxy; an MCP client on `webstream --stdio` (the remote API over HTTP and /stream)
// reads the resources, gets the browser error notification and runs the REPL in the Chromium tab.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, freePort, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { BOOM_LINE, browserProject, callTool, launchChromium, readJson, readUntil } from './browserHarness.js';
import { CLI, spawnWebstream, WAIT_MS } from './helpers.js';

const defer = cleanupAfterEach();

async function stdioFront(cwd: string, port: number) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--stdio', '--cwd', cwd],
    env: { ...(process.env as Record<string, string>), WEBSTREAM_PORT: String(port) },
    stderr: 'pipe',
  });
  const notifications: Notification[] = [];
  const client = new Client({ name: 'browser-front-test', version: '1.0.0' });
  client.fallbackNotificationHandler = async (n) => {
    notifications.push(n);
  };
  await client.connect(transport);
  defer(() => client.close());
  return { client, notifications };
}

describe('the browser half through webstream --stdio attached to a running server', () => {
  it('reads every resource, gets the browser error and runs the REPL in the tab', async () => {
    const cwd = browserProject();
    const port = await freePort();
    const server = await spawnWebstream(['--port', String(port), '--cwd', cwd]);
    defer(() => server.stop());
    const { client, notifications } = await stdioFront(cwd, port);
    await client.subscribeResource({ uri: 'telemetry://errors' });
    const run = await callTool(client, 'scripts_run', { name: 'dev', waitMs: 0 });
    const processId: string = run.process.id;
    const [mapping] = await readUntil(client, 'proxy://mappings', (m) => m.length > 0, WAIT_MS, 'the proxy');
    expect(mapping).toMatchObject({ processId, source: 'detected' });
    const status = await callTool(client, 'scripts_status', { processId });
    expect(status.process.proxyUrl).toBe(mapping.proxyUrl);

    const browser = await launchChromium();
    defer(() => browser.close());
    const page = await browser.newPage();
    await page.goto(mapping.proxyUrl);

    const errors = await readUntil(
      client,
      'telemetry://errors',
      (e) => e.some((g: { message: string }) => g.message === 'fixture boom'),
      WAIT_MS,
      'the page error through the front',
    );
    expect(errors.find((g: { message: string }) => g.message === 'fixture boom')).toMatchObject({
      file: 'src/app.ts',
      line: BOOM_LINE,
    });
    await until(
      () => notifications.some((n) => n.method === 'notifications/error/detected' && n.params?.source === 'browser'),
      WAIT_MS,
      'the browser error notification relayed by the front',
    );
    await until(
      () =>
        notifications.some(
          (n) => n.method === 'notifications/resources/updated' && n.params?.uri === 'telemetry://errors',
        ),
      WAIT_MS,
      'resources/updated for telemetry://errors',
    );
    const requests = await readJson(client, 'proxy://requests');
    expect(requests.some((r: { url: string; status: number }) => r.url === '/api/fail' && r.status === 500)).toBe(true);
    expect((await readJson(client, 'telemetry://sessions'))[0]).toMatchObject({ title: 'Fixture app' });
    expect((await readJson(client, 'telemetry://console-errors'))[0]).toMatchObject({ text: 'fixture error line' });

    await readUntil(client, 'telemetry://sessions', (s) => s[0]?.commandStream === true, WAIT_MS, 'the command stream');
    const repl = await callTool(client, 'repl_execute', { code: '1+1' });
    expect(repl).toMatchObject({ ok: true, value: 2, chosen: 'most-recent-visible' });
    const timeline = await callTool(client, 'timeline', { processId });
    expect(timeline.entries.length).toBeGreaterThan(0);
  });
});
