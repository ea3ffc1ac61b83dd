import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { ErrorDetectedSchema, LogEntrySchema, ProcessExitedSchema, ProcessStartedSchema } from '@ws/events';
import { cleanupAfterEach, readUntil, until } from '@ws/testing';
import { describe, expect, it, vi } from 'vitest';
import { json, post, fixtureProject as project, startTestServer, TOKEN, WAIT_MS } from './helpers.js';
import { ALL_TOOLS, connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();
const connect = (url: string, options: Parameters<typeof connectMcp>[1] = {}) => connectMcp(url, options, defer);

const waitStream = async (server: Awaited<ReturnType<typeof startTestServer>>, sessionId: string | undefined) =>
  until(() => server.mcp.list().some((s) => s.id === sessionId && s.openStreams > 0), WAIT_MS, 'the GET stream');

describe('MCP over Streamable HTTP (official SDK client)', () => {
  it('streams started / logs / error (file, line) / exited and resources/updated; resumes with Last-Event-ID with exactly the missed notifications', async () => {
    await using server = await startTestServer({ cwd: project() });
    const ids: string[] = [];
    const a = await connect(server.url, { ids });
    const sessionId = a.transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await waitStream(server, sessionId);
    await a.client.subscribeResource({ uri: 'logs://recent' });

    const run = await a.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 20_000 } });
    expect(run.isError).toBeFalsy();
    const summary = run.structuredContent as {
      running: boolean;
      process: { id: string; exitCode: number };
      errors: { file: string; line: number }[];
    };
    expect(summary).toMatchObject({ running: false, process: { exitCode: 1 } });
    expect(summary.errors[0]).toMatchObject({ file: 'crash.js', line: 5 });
    const pid = summary.process.id;
    await until(
      () => a.notes.some((n) => n.method === 'notifications/process/exited'),
      WAIT_MS,
      'the exited notification',
    );
    await until(
      () => a.notes.some((n) => n.method === 'notifications/resources/updated'),
      WAIT_MS,
      'resources/updated',
    );

    const dev = a.dev();
    expect(dev[0]?.method).toBe('notifications/process/started');
    expect(dev.at(-1)?.method).toBe('notifications/process/exited');
    expect(ProcessStartedSchema.parse(dev[0]?.params)).toMatchObject({
      processId: pid,
      processName: 'crash',
      command: 'npm run crash',
    });
    expect(ProcessExitedSchema.parse(dev.at(-1)?.params)).toMatchObject({ processId: pid, exitCode: 1, signal: null });
    const logs = dev.filter((n) => n.method === 'notifications/logs/new').map((n) => LogEntrySchema.parse(n.params));
    expect(logs.map((l) => l.content)).toEqual(expect.arrayContaining(['compiling...', 'ready']));
    expect(logs.every((l) => l.processId === pid)).toBe(true);
    expect(new Set(logs.map((l) => l.id)).size).toBe(logs.length); // each line once
    const errors = dev
      .filter((n) => n.method === 'notifications/error/detected')
      .map((n) => ErrorDetectedSchema.parse(n.params));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      processId: pid,
      error: {
        message: "TypeError: Cannot read properties of undefined (reading 'length')",
        file: 'crash.js',
        line: 5,
        column: 19,
      },
    });
    expect(errors[0]?.error.stack).toMatch(/at handler/);
    const updates = a.notes.filter((n) => n.method === 'notifications/resources/updated');
    expect(updates.every((n) => (n.params as { uri: string }).uri === 'logs://recent')).toBe(true);
    expect(updates.length).toBeLessThan(logs.length); // coalesced
    expect(Object.keys(updates[0]?.params ?? {})).toEqual(['uri']); // spec shape, no contents

    // Disconnect (the session stays), miss a whole run, then resume after the last id the client saw.
    const lastSeen = ids.at(-1) as string;
    await a.client.close();
    const missed: string[] = [];
    const offLog = server.dev.runner.on('log', (l) => missed.push(`logs/new:${l.id}`));
    const second = server.dev.runner.runScript('crash');
    await until(() => server.dev.runner.get(second.id)?.status === 'exited', 10_000, 'the missed run');
    offLog();

    const b = await connect(server.url, { sessionId });
    await b.transport.resumeStream(lastSeen);
    await until(() => b.notes.some((n) => n.method === 'notifications/process/exited'), WAIT_MS, 'the replay');
    // The run's coalesced resources/updated fires 250 ms after its last line: replayed, or live if later.
    await until(
      () => b.notes.some((n) => n.method === 'notifications/resources/updated'),
      WAIT_MS,
      'resources/updated for the missed run',
    );
    // A run started now is announced after everything the resume sends (one ordered stream), so
    // what came before its first notification is the whole replay: nothing more can follow.
    const marker = server.dev.runner.runCommand('node -e 0', 'marker');
    const isMarker = (n: Notification) => (n.params as { processId?: string }).processId === marker.id;
    await until(() => b.dev().some(isMarker), WAIT_MS, 'the marker run after the replay');
    const replayed = b.dev().slice(0, b.dev().findIndex(isMarker));
    expect(replayed.every((n) => (n.params as { processId: string }).processId === second.id)).toBe(true);
    expect(replayed[0]?.method).toBe('notifications/process/started');
    expect(replayed.at(-1)?.method).toBe('notifications/process/exited');
    expect(
      replayed
        .filter((n) => n.method === 'notifications/logs/new')
        .map((n) => `logs/new:${(n.params as { id: string }).id}`),
    ).toEqual(missed);
    expect(replayed.filter((n) => n.method === 'notifications/error/detected')).toHaveLength(1);
  });

  it('two sessions each get every notification once; closing one does not disturb the other', async () => {
    await using server = await startTestServer({ cwd: project() });
    const a = await connect(server.url);
    const b = await connect(server.url);
    await waitStream(server, a.transport.sessionId);
    await waitStream(server, b.transport.sessionId);
    const emitted: string[] = [];
    for (const kind of ['started', 'log', 'error', 'exited'] as const)
      server.dev.runner.on(kind, () => emitted.push(kind));
    await a.client.callTool({ name: 'scripts_run', arguments: { name: 'crash' } });
    await until(() => a.dev().length === emitted.length && b.dev().length === emitted.length, WAIT_MS, 'both sessions');
    const key = (n: Notification) => `${n.method}:${JSON.stringify(n.params)}`;
    expect(a.dev().map(key)).toEqual(b.dev().map(key));
    expect(new Set(a.dev().map(key)).size).toBe(emitted.length);

    const aId = a.transport.sessionId as string;
    await a.transport.terminateSession(); // DELETE /mcp
    const gone = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': aId,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
    });
    expect(gone.status).toBe(404);
    const before = b.dev().length;
    emitted.length = 0;
    await b.client.callTool({ name: 'scripts_run', arguments: { name: 'crash' } });
    await until(() => b.dev().length === before + emitted.length, WAIT_MS, 'the second run at b');
    expect(server.mcp.list().map((s) => s.id)).toEqual([b.transport.sessionId]);
  });

  it('answers ping, logging/setLevel, tools and resources', async () => {
    await using server = await startTestServer({ cwd: project() });
    const { client } = await connect(server.url);
    await expect(client.ping()).resolves.toBeDefined();
    await expect(client.setLoggingLevel('warning')).resolves.toBeDefined();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...ALL_TOOLS].sort());
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      'logs://errors',
      'logs://recent',
      'processes://active',
      'proxy://mappings',
      'proxy://requests',
      'scripts://available',
      'telemetry://console-errors',
      'telemetry://errors',
      'telemetry://sessions',
    ]);
    const scripts = await client.readResource({ uri: 'scripts://available' });
    expect(JSON.parse((scripts.contents[0] as { text: string }).text)).toMatchObject({
      packageManager: 'npm',
      cwd: expect.stringMatching(/ws-mcp-/),
      scripts: {
        crash: 'node crash.js',
        long: 'node long.js',
        burst: 'node burst.js',
        levels: 'node levels.js',
        orphan: 'node orphan.js',
      },
    });
    const listed = await client.callTool({ name: 'scripts_list', arguments: {} });
    expect(listed.structuredContent).toMatchObject({ packageManager: 'npm' });

    // A long process: status, logs_stream, stop, and the active list.
    const started = await client.callTool({ name: 'scripts_run', arguments: { name: 'long', waitMs: 300 } });
    const { process: proc } = started.structuredContent as { process: { id: string } };
    expect(started.structuredContent).toMatchObject({ running: true });
    const active = await client.readResource({ uri: 'processes://active' });
    expect(JSON.parse((active.contents[0] as { text: string }).text).map((p: { id: string }) => p.id)).toEqual([
      proc.id,
    ]);
    await until(() => server.dev.runner.logs.search({ query: 'long running' }).length === 1, 10_000, 'its first line');
    const stopped = await client.callTool({ name: 'scripts_stop', arguments: { processId: proc.id } });
    expect(stopped.structuredContent).toMatchObject({ process: { id: proc.id, status: 'exited' } });
    const search = await client.callTool({ name: 'logs_search', arguments: { query: 'long running' } });
    expect((search.structuredContent as { count: number }).count).toBe(1);
  });

  it('logs_stream streams matching lines on the request while they occur, then summarizes', async () => {
    await using server = await startTestServer({ cwd: project() });
    const { client } = await connect(server.url);
    const progress: string[] = [];
    // Observed, not replaced: the tool subscribes to new lines with the dev service's listen(), after
    // this session's own subscription (made when it connected, before the spy).
    const subscribe = vi.spyOn(server.dev, 'listen');
    const streaming = client.callTool(
      { name: 'logs_stream', arguments: { pattern: '^(ready|compiling)', durationMs: 20_000, limit: 2 } },
      undefined,
      {
        onprogress: (p) => {
          progress.push(p.message ?? '');
        },
      },
    );
    await until(() => subscribe.mock.calls.length > 0, WAIT_MS, 'logs_stream to subscribe');
    server.dev.runner.runScript('crash');
    const result = await streaming;
    expect(result.structuredContent).toMatchObject({ matched: 2 });
    expect(progress).toEqual(['compiling...', 'ready']);
  });

  it('scripts_run streams the script output on its own request while it runs', async () => {
    await using server = await startTestServer({ cwd: project() });
    const { client } = await connect(server.url);
    const progress: string[] = [];
    const result = await client.callTool({ name: 'scripts_run', arguments: { name: 'crash' } }, undefined, {
      onprogress: (p) => {
        progress.push(p.message ?? '');
      },
    });
    expect(result.structuredContent).toMatchObject({ running: false });
    expect(progress).toEqual(
      expect.arrayContaining([
        'compiling...',
        'ready',
        "TypeError: Cannot read properties of undefined (reading 'length')",
      ]),
    );
    expect(progress.some((line) => line.startsWith('> '))).toBe(true); // npm's own banner is part of the output
  });

  it('bad input: a clear error every time, and the server stays up', async () => {
    await using server = await startTestServer({ cwd: project(), maxBodyBytes: 2000 });
    const { client } = await connect(server.url);
    const unknownScript = await client.callTool({ name: 'scripts_run', arguments: { name: 'nope' } });
    expect(unknownScript.isError).toBe(true);
    expect((unknownScript.content as { text: string }[])[0]?.text).toMatch(
      /no script "nope" .*available: crash, long, burst, levels, orphan/,
    );
    const unknownProcess = await client.callTool({ name: 'scripts_stop', arguments: { processId: 'ghost-1' } });
    expect(unknownProcess.isError).toBe(true);
    expect((unknownProcess.content as { text: string }[])[0]?.text).toMatch(/no process "ghost-1"/);
    const badRegex = await client.callTool({ name: 'logs_search', arguments: { query: '(unclosed', regex: true } });
    expect(badRegex.isError).toBe(true);
    expect((badRegex.content as { text: string }[])[0]?.text).toMatch(/invalid regular expression/);
    await expect(client.subscribeResource({ uri: 'file:///etc/passwd' })).rejects.toThrowError(/cannot subscribe/);

    const mcp = `${server.url}/mcp`;
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const big = await fetch(mcp, { method: 'POST', headers, body: JSON.stringify({ ...init, pad: 'x'.repeat(3000) }) });
    expect(big.status).toBe(413);
    const foreign = await fetch(mcp, {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body: JSON.stringify(init),
    });
    expect(foreign.status).toBe(403);
    const noSession = await post(
      mcp,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { accept: 'application/json, text/event-stream' },
    );
    expect(noSession.status).toBe(400);
    expect((await json(noSession)).error.message).toMatch(/missing Mcp-Session-Id/);
    const noSessionGet = await fetch(mcp, { headers: { accept: 'text/event-stream' } });
    expect(noSessionGet.status).toBe(400);
    const unknown = await post(
      mcp,
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { accept: 'application/json, text/event-stream', 'mcp-session-id': 'not-a-session' },
    );
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.message).toMatch(/Session not found/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await client.callTool({ name: 'scripts_list', arguments: {} })).isError).toBeFalsy();
  });

  it('GET stream: session comments, a priming event with retry, ping events; another session cannot replay it', async () => {
    await using server = await startTestServer({ cwd: project(), mcpPingMs: 200 });
    const a = await connect(server.url);
    const b = await connect(server.url);
    const sessionId = a.transport.sessionId as string;
    await a.client.close(); // free A's GET stream slot; the session stays
    await until(() => server.mcp.list().find((s) => s.id === sessionId)?.openStreams === 0, WAIT_MS, 'A to disconnect');
    const headers = { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    const res = await fetch(`${server.url}/mcp`, { headers });
    expect(res.status).toBe(200);
    const text = await readUntil(res, 'event: ping', { timeoutMs: WAIT_MS });
    expect(text).toMatch(
      new RegExp(
        `^: MCP Streamable HTTP Transport\\n: Session-Id: ${sessionId}\\n\\nid: (\\S+)\\nretry: 2000\\ndata: \\n\\n`,
      ),
    );
    const ping = /event: ping\ndata: (.*)\n\n/.exec(text)?.[1] as string;
    expect(Number.isNaN(Date.parse(JSON.parse(ping).timestamp))).toBe(false);
    const primingId = /id: (\S+)/.exec(text)?.[1] as string;
    // A's event id on B's session: unknown there, refused, nothing of A's replayed.
    const cross = await fetch(`${server.url}/mcp`, {
      headers: { ...headers, 'mcp-session-id': b.transport.sessionId as string, 'last-event-id': primingId },
    });
    expect(cross.status).toBe(400);
  });

  it('refuses sessions past --max-mcp-sessions with 503, and accepts again once one is closed', async () => {
    await using server = await startTestServer({ cwd: project(), maxMcpSessions: 1 });
    const first = await connect(server.url);
    await expect(connect(server.url)).rejects.toThrow(/503|too many MCP sessions/);
    await first.transport.terminateSession();
    const again = await connect(server.url);
    expect((await again.client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('requires the bearer token on /mcp when auth is on', async () => {
    await using server = await startTestServer({ cwd: project(), token: TOKEN });
    await expect(connect(server.url)).rejects.toThrow();
    const { client } = await connect(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
