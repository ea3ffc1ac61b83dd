import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { fixtureProject, json, post, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';
import { burst, contents, read } from './readTools.js';

const defer = cleanupAfterEach();

/** Waits until the server's event log (what the read tools read) holds the line `content`. */
const logged = (server: Awaited<ReturnType<typeof startTestServer>>, content: string) =>
  until(
    async () => {
      const recent = await server.api.stream.history({ channel: 'logs', limit: 100 });
      const lineOf = (m: { data?: unknown }) => (m.data as { params?: { content?: string } } | undefined)?.params;
      return recent.ok && recent.value.some((m) => lineOf(m)?.content === content);
    },
    WAIT_MS,
    content,
  );

describe('read tools: only what is new since a cursor, within a budget (official SDK client over HTTP)', () => {
  it('logs_read returns exactly the lines after the cursor, on a new session after a reconnect', async () => {
    const dir = fixtureProject();
    await using server = await startTestServer({ cwd: dir });
    const a = await connectMcp(server.url, {}, defer);
    await a.client.callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 0 } });
    await logged(server, 'burst ready');
    burst(dir, 5);
    await logged(server, 'line 5');
    const ours = { pattern: '^(burst ready|line \\d+)$' }; // not npm's header lines
    const first = await read(a.client, 'logs_read', ours);
    expect(contents(first)).toEqual(['burst ready', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(first.text).toMatch(/\[burst\] line 5\ncursor: wsc1\./);
    const empty = await read(a.client, 'logs_read', { ...ours, cursor: first.structured.cursor });
    expect(empty.structured).toMatchObject({ total: 0, items: [] });
    await a.client.close();

    burst(dir, 3);
    await logged(server, 'line 8');
    const b = await connectMcp(server.url, {}, defer);
    const next = await read(b.client, 'logs_read', { ...ours, cursor: first.structured.cursor });
    expect(contents(next)).toEqual(['line 6', 'line 7', 'line 8']);
    expect(next.text).toMatch(/^3 log lines new since the cursor/);
    expect(next.structured.gap).toBeUndefined();
  });

  it('a cursor whose entries the log dropped answers with "Some entries are gone" first, then what is held', async () => {
    const dir = fixtureProject();
    await using server = await startTestServer({ cwd: dir, historySize: 50 });
    const { client } = await connectMcp(server.url, {}, defer);
    await client.callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 0 } });
    await logged(server, 'burst ready');
    const before = await read(client, 'logs_read');
    burst(dir, 200);
    await logged(server, 'line 200');
    const after = await read(client, 'logs_read', { cursor: before.structured.cursor, oldest: true });
    expect(after.text).toMatch(/^Some entries are gone: the event log no longer holds the entries between your cursor/);
    expect(after.structured.gap).toMatchObject({ reason: 'expired', missed: null, resumedFromId: expect.any(String) });
    // What follows is the oldest held, in order, up to the newest.
    const held = contents(after);
    expect(held.at(0)).toMatch(/^line 1\d\d$/);
    const rest = await read(client, 'logs_read', { cursor: after.structured.cursor, oldest: true });
    expect([...held, ...contents(rest)].at(-1)).toBe('line 200');
    expect(rest.structured.gap).toBeUndefined();
    const garbage = await read(client, 'logs_read', { cursor: 'not-a-cursor' });
    expect(garbage.isError).toBe(true);
    expect(garbage.text).toMatch(/is not one this server issued/);
  });

  it('errors_read, processes_read, scripts_read and messages_read follow their cursors too', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    const errors0 = await read(client, 'errors_read');
    const procs0 = await read(client, 'processes_read');
    expect(procs0.text).toMatch(/^Running now: nothing\./);
    await client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 20_000 } });
    await until(
      async () => (await read(client, 'errors_read', { cursor: errors0.structured.cursor })).structured.total === 1,
      WAIT_MS,
      'the error',
    );
    const errors1 = await read(client, 'errors_read', { cursor: errors0.structured.cursor });
    expect(errors1.text).toMatch(
      /\[crash\] TypeError: Cannot read properties of undefined \(reading 'length'\) \(crash\.js:5:19\)/,
    );
    const procs1 = await read(client, 'processes_read', { cursor: procs0.structured.cursor });
    expect(procs1.structured.items.map((i: { event: string }) => i.event)).toEqual(['started', 'exited']);
    expect(procs1.text).toMatch(/exited with code 1 after \d+ ms/);

    const scripts = await read(client, 'scripts_read');
    expect(scripts.text).toMatch(/crash: node crash\.js/);
    const again = await read(client, 'scripts_read', { cursor: scripts.structured.cursor });
    expect(again.text).toMatch(/^Scripts unchanged since the cursor\./);
    expect((await read(client, 'logs_read', { cursor: scripts.structured.cursor })).isError).toBe(true);

    const m0 = await read(client, 'messages_read');
    for (const message of ['one', 'two', 'two', 'three'])
      await client.callTool({ name: 'push_stream', arguments: { message } });
    const m1 = await read(client, 'messages_read', { cursor: m0.structured.cursor });
    expect(
      m1.text
        .split('\n')
        .slice(1, 4)
        .map((l) => l.slice(13)),
    ).toEqual(['#default info: one', '#default info: two (×2)', '#default info: three']);
  });

  it('a cursor from a restarted server (memory log) is answered with the note once, then reads on', async () => {
    let cursor: string;
    {
      await using first = await startTestServer();
      const { client } = await connectMcp(first.url, {}, defer);
      await client.callTool({ name: 'push_stream', arguments: { message: 'before the restart' } });
      cursor = (await read(client, 'messages_read')).structured.cursor;
    }
    await using second = await startTestServer();
    const { client } = await connectMcp(second.url, {}, defer);
    const noted = await read(client, 'messages_read', { cursor });
    expect(noted.text).toMatch(/^Some entries may be gone: your cursor \(.*\) is not from this server's event log/);
    expect(noted.structured).toMatchObject({ total: 0, gap: { reason: 'unknown' } });
    expect(noted.structured.gap.resumedFromId).toBeUndefined();
    await client.callTool({ name: 'push_stream', arguments: { message: 'after the restart' } });
    const next = await read(client, 'messages_read', { cursor: noted.structured.cursor });
    expect(next.structured.gap).toBeUndefined();
    expect(next.structured.items.map((m: { message: string }) => m.message)).toEqual(['after the restart']);
  });

  it('GET /api/history?after= (what a stdio front reads with) gives every message after an id, or says what to fix', async () => {
    await using server = await startTestServer();
    const ids: string[] = [];
    for (const message of ['a', 'b', 'c']) ids.push((await json(await post(`${server.url}/api/push`, { message }))).id);
    const after = await json(await fetch(`${server.url}/api/history?after=${ids[0]}`));
    expect(after.messages.map((m: { message: string }) => m.message)).toEqual(['b', 'c']);
    expect(after.gap).toBeUndefined();
    const unknown = await json(await fetch(`${server.url}/api/history?after=1-0`));
    expect(unknown).toMatchObject({ gap: 'unknown', messages: [{ message: 'a' }, { message: 'b' }, { message: 'c' }] });
    const bad = await fetch(`${server.url}/api/history?after=nope`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toBe('after must be an event id (<ms>-<seq>), got "nope"');
  });

  it('tells the assistant how to use it: instructions and the about tool', async () => {
    await using server = await startTestServer({ cwd: fixtureProject() });
    const { client } = await connectMcp(server.url, {}, defer);
    expect(client.getInstructions()).toMatch(/scripts_read.*cursor.*pass it back/s);
    const about = await read(client, 'about');
    expect(about.text.split('\n').length).toBeLessThanOrEqual(6);
    expect(about.text).toMatch(/logs_read, errors_read, processes_read, scripts_read and messages_read/);
  });
});
