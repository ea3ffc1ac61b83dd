import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { CHANNEL_INTERVAL_MS, CHANNEL_METHOD } from '../src/mcp/channels.js';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';

const defer = cleanupAfterEach();

/** A 2025-era client (SDK v1) that declares Claude Code's channel capability, or not. */
async function client(url: string, declaresChannels: boolean) {
  const notes: Notification[] = [];
  const times: number[] = [];
  const c = new Client(
    { name: declaresChannels ? 'claude-code-like' : 'plain', version: '1.0.0' },
    { capabilities: declaresChannels ? { experimental: { 'claude/channel': {} } } : {} },
  );
  c.fallbackNotificationHandler = async (n) => {
    notes.push(n);
    if (n.method === CHANNEL_METHOD) times.push(Date.now());
  };
  await c.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  defer(() => c.close());
  return { client: c, notes, times, channel: () => notes.filter((n) => n.method === CHANNEL_METHOD) };
}

describe('Claude Code channels (--channels)', () => {
  it('a client that declares claude/channel is told in one line per failure (an error exit, a new error group), rate-limited; one that does not, never', async () => {
    const running = await startTestServer({ cwd: fixtureProject(), channels: true });
    defer(() => running.close());
    const claude = await client(running.url, true);
    const plain = await client(running.url, false);
    expect(claude.client.getServerCapabilities()?.experimental).toEqual({ 'claude/channel': {} });
    await claude.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    await until(() => claude.channel().length > 0, WAIT_MS, 'the channel message');
    // The plain client saw the same exit as a dev notification, and no channel message.
    await until(
      () => plain.notes.some((n) => n.method === 'notifications/process/exited'),
      WAIT_MS,
      'the exit on the plain client',
    );
    expect(plain.channel()).toEqual([]);
    const first = claude.channel()[0] as Notification;
    const { content, meta } = first.params as { content: string; meta: Record<string, string> };
    expect(content).toMatch(/^webstream: (crash .* exited with code 1|new error in )/);
    expect(content).not.toContain('\n');
    expect(meta).toEqual({ source: 'webstream' });
    // Rate limit: one crash is two things to tell (the exit, the new error group); the second line comes
    // in a message of its own, no sooner than the interval after the first.
    await until(() => claude.channel().length === 2, WAIT_MS + CHANNEL_INTERVAL_MS, 'the second message');
    expect((claude.times[1] as number) - (claude.times[0] as number)).toBeGreaterThanOrEqual(CHANNEL_INTERVAL_MS - 50);
    const contents = claude.channel().map((n) => n.params?.content as string);
    expect(contents.some((c) => /exited with code 1/.test(c))).toBe(true);
    expect(contents.some((c) => /new error in /.test(c))).toBe(true);
  });

  it('is off by default: no capability, no message', async () => {
    const running = await startTestServer({ cwd: fixtureProject() });
    defer(() => running.close());
    const claude = await client(running.url, true);
    expect(claude.client.getServerCapabilities()?.experimental).toBeUndefined();
    await claude.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    await until(
      () => claude.notes.some((n) => n.method === 'notifications/process/exited'),
      WAIT_MS,
      'the exit notification',
    );
    expect(claude.channel()).toEqual([]);
  });
});
