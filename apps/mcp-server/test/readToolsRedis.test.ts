import { randomUUID } from 'node:crypto';
import { cleanupAfterEach, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';
import { burst, contents, read } from './readTools.js';

const defer = cleanupAfterEach();

/** Two instances on one Redis stream (a fresh key on the shared Redis), both supervising `dir`. */
async function pair(dir: string, redisMaxLen?: number) {
  const redisStream = `webstream:test:read:${randomUUID()}`;
  const options = { cwd: dir, redis: TEST_REDIS_URL, redisStream, ...(redisMaxLen ? { redisMaxLen } : {}) };
  const a = await startTestServer(options);
  const b = await startTestServer(options);
  defer(
    () => a.close(),
    () => b.close(),
    async () => {
      const r = new Redis(TEST_REDIS_URL);
      await r.del(redisStream);
      r.disconnect();
    },
  );
  return { a, b };
}

const ours = { pattern: '^(burst ready|line \\d+)$' };

describe('read cursors across instances (real Redis on 127.0.0.1:6379)', () => {
  it('a cursor from instance A reads exactly the newer lines on instance B', async () => {
    const dir = fixtureProject();
    const { a, b } = await pair(dir);
    const onA = await connectMcp(a.url, {}, defer);
    const onB = await connectMcp(b.url, {}, defer);
    await onA.client.callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 0 } });
    burst(dir, 4);
    await until(
      async () => contents(await read(onA.client, 'logs_read', ours)).includes('line 4'),
      WAIT_MS,
      'line 4 on A',
    );
    const first = await read(onA.client, 'logs_read', ours);
    expect(contents(first)).toEqual(['burst ready', 'line 1', 'line 2', 'line 3', 'line 4']);
    burst(dir, 3);
    await until(
      async () => contents(await read(onB.client, 'logs_read', ours)).includes('line 7'),
      WAIT_MS,
      'line 7 on B',
    );
    const next = await read(onB.client, 'logs_read', { ...ours, cursor: first.structured.cursor });
    expect(contents(next)).toEqual(['line 5', 'line 6', 'line 7']);
    expect(next.structured.gap).toBeUndefined();
    // And back: B's cursor on A.
    const none = await read(onA.client, 'logs_read', { ...ours, cursor: next.structured.cursor });
    expect(none.structured).toMatchObject({ total: 0, items: [] });
    // Messages pushed on B, read on A with A's cursor.
    const m0 = await read(onA.client, 'messages_read');
    await onB.client.callTool({ name: 'push_stream', arguments: { message: 'from B' } });
    const m1 = await read(onA.client, 'messages_read', { cursor: m0.structured.cursor });
    expect(m1.structured.items.map((m: { message: string }) => m.message)).toEqual(['from B']);
  });

  it('a cursor the Redis stream has trimmed answers with the gap note on the other instance', async () => {
    const dir = fixtureProject();
    const { a, b } = await pair(dir, 50);
    const onA = await connectMcp(a.url, {}, defer);
    const onB = await connectMcp(b.url, {}, defer);
    await onA.client.callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 0 } });
    await until(
      async () => contents(await read(onA.client, 'logs_read', ours)).includes('burst ready'),
      WAIT_MS,
      'ready',
    );
    const first = await read(onA.client, 'logs_read', ours);
    burst(dir, 600);
    await until(
      async () => contents(await read(onB.client, 'logs_read', ours)).includes('line 600'),
      WAIT_MS,
      'line 600',
    );
    const after = await read(onB.client, 'logs_read', { ...ours, cursor: first.structured.cursor, oldest: true });
    expect(after.text).toMatch(/^Some entries are gone/);
    expect(after.structured.gap).toMatchObject({ reason: 'expired' });
    expect(contents(after)[0]).not.toBe('line 1');
  });
});
