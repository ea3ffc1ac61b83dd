import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();

const textOf = (result: { messages: { role: string; content: { type: string; text?: string } }[] }) => {
  expect(result.messages.every((m) => m.role === 'user' && m.content.type === 'text')).toBe(true);
  return result.messages.map((m) => m.content.text).join('\n');
};

describe('prompts (official SDK client over HTTP)', () => {
  it('lists debug_error, script_configuration and debug_request with their arguments', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? '*' : ''}`)])).toEqual([
      ['debug_error', ['error', 'processId']],
      ['script_configuration', ['task*', 'framework']],
      ['debug_request', ['url*', 'method', 'status']],
    ]);
  });

  it('debug_error renders the latest error with its stack and the log lines around it', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    const none = textOf(await client.getPrompt({ name: 'debug_error', arguments: {} }));
    expect(none).toMatch(/^No error has been detected/);
    await client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 20_000 } });
    await until(() => server.dev.runner.errors().length > 0, WAIT_MS, 'the detected error');
    const text = textOf(await client.getPrompt({ name: 'debug_error', arguments: {} }));
    expect(text).toMatch(
      /^Debug this error from the process crash \(crash-[\w-]+\), detected at .* at crash\.js:5:19:/,
    );
    expect(text).toMatch(/TypeError: Cannot read properties of undefined \(reading 'length'\)/);
    expect(text).toMatch(/Stack:\n.*\n {4}at handler/);
    expect(text).toMatch(
      /\[crash\] compiling\.\.\.\n.*\[crash\] {3}➜ {2}Local: {3}http:\/\/localhost:5173\/\n.*\[crash\] ready/,
    );
    expect(textOf(await client.getPrompt({ name: 'debug_error', arguments: { error: 'nothing like it' } }))).toMatch(
      /^No error has been detected matching "nothing like it"/,
    );
  });

  it('script_configuration and debug_request render what the server knows now', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    const scripts = textOf(
      await client.getPrompt({
        name: 'script_configuration',
        arguments: { task: 'start the dev server', framework: 'vite' },
      }),
    );
    expect(scripts).toMatch(/^Task: start the dev server \(framework: vite\)\./);
    expect(scripts).toMatch(/runs its scripts with npm/);
    expect(scripts).toContain('- long: node long.js');
    await client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 20_000 } });
    const request = textOf(
      await client.getPrompt({ name: 'debug_request', arguments: { url: 'http://localhost:5173/', status: '500' } }),
    );
    expect(request).toMatch(/^This request fails: GET http:\/\/localhost:5173\/ answered 500\./);
    expect(request).toMatch(/Server log lines that mention \/:\n.*\[crash\]/);
    expect(request).toMatch(/Latest detected errors:\n- .* \[crash\] TypeError/);
    const missing = await client.getPrompt({ name: 'script_configuration', arguments: {} }).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toMatch(/task/);
  });

  it('include the page errors and proxied requests the browser half published on /stream, when there are any', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    await client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 20_000 } });
    await until(() => server.dev.runner.errors().length > 0, WAIT_MS, 'the detected error');
    const before = textOf(await client.getPrompt({ name: 'debug_error', arguments: {} }));
    expect(before).not.toContain("The page's latest events");
    // What the browser half publishes (channels proxy and browser), pushed here as it would.
    const record = (url: string, status: number) => ({
      kind: 'request',
      record: { method: 'GET', url, status, durationMs: 3, failed: false, error: null, processId: null },
    });
    const group = {
      name: 'TypeError',
      message: 'x is undefined',
      file: 'src/App.tsx',
      line: 4,
      column: 2,
      count: 2,
      url: 'http://127.0.0.1:5173/',
    };
    for (const [channel, data] of [
      ['proxy', record('/api/items', 500)],
      ['proxy', record('/api/other', 200)],
      ['browser', { kind: 'error', sessionId: 's1', group }],
    ] as const)
      expect(
        (await client.callTool({ name: 'push_stream', arguments: { message: 'x', channel, data } })).isError,
      ).toBeFalsy();
    const after = textOf(await client.getPrompt({ name: 'debug_error', arguments: {} }));
    expect(after).toMatch(
      /The page's latest events:\n.* page error TypeError: x is undefined \(src\/App\.tsx:4:2\) \[2 so far\]/,
    );
    expect(after).toMatch(/Latest failed requests through the dev proxy:\n.* GET \/api\/items → 500 in 3 ms$/m);
    expect(after).not.toContain('/api/other');
    const request = textOf(await client.getPrompt({ name: 'debug_request', arguments: { url: '/api/items' } }));
    expect(request).toMatch(/This path's latest requests through the dev proxy:\n.* GET \/api\/items → 500 in 3 ms/);
    const read = await client.callTool({ name: 'messages_read', arguments: { channel: 'proxy' } });
    expect(JSON.stringify(read.content)).toContain('#proxy info: x (×2)');
  });
});
