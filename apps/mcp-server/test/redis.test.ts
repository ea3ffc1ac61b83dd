import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { privateRedis, SHARED_REDIS_URL } from '../../../packages/redis/test/redisServer.js';
import { json, listen, post, startTestServer, until } from './helpers.js';
import { connectMcp } from './mcpClient.js';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-redis-'));
  cpSync(fileURLToPath(new URL('./fixtures/project', import.meta.url)), dir, { recursive: true });
  return dir;
}

let cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** Two instances on one Redis stream (a fresh key on the shared Redis unless a URL is given). */
async function pair(url = SHARED_REDIS_URL) {
  const redisStream = `webstream:test:${randomUUID()}`;
  const a = await startTestServer({ redis: url, redisStream });
  const b = await startTestServer({ redis: url, redisStream });
  cleanup.push(
    () => a.close(),
    () => b.close(),
    async () => {
      if (url !== SHARED_REDIS_URL) return;
      const r = new Redis(url);
      await r.del(redisStream);
      r.disconnect();
    },
  );
  return { a, b };
}

const text = (m: { data: string }) => m.data.split('] ')[1];

describe('several instances on Redis (real Redis on 127.0.0.1:6379)', () => {
  it('a client on A receives what is published on B, with the same id', async () => {
    const { a, b } = await pair();
    using client = listen(`${a.url}/stream`);
    await client.opened;
    const res = await post(`${b.url}/api/push`, { message: 'from B' });
    expect(res.status).toBe(200);
    const pushed = await json(res);
    await until(() => client.messages.length === 1, 5000, 'the message on A');
    expect(client.messages[0]).toEqual({ data: `[${pushed.timestamp}] from B`, id: pushed.id });
    expect(pushed.id).toMatch(/^\d+-\d+$/);
  });

  it('a client that drops from A resumes on B with Last-Event-ID and receives exactly the missed events', async () => {
    const { a, b } = await pair();
    const first = listen(`${a.url}/stream`);
    await first.opened;
    for (const message of ['one', 'two']) await post(`${a.url}/api/push`, { message });
    await until(() => first.messages.length === 2, 5000, 'two messages on A');
    const lastSeen = first.messages.at(-1)?.id as string;
    first.es.close();
    for (const message of ['three', 'four', 'five']) await post(`${a.url}/api/push`, { message });
    using second = listen(`${b.url}/stream`, { 'Last-Event-ID': lastSeen });
    await until(() => second.messages.length === 3, 5000, 'the missed messages on B');
    await post(`${b.url}/api/push`, { message: 'six' });
    await until(() => second.messages.length === 4, 5000, 'live after the replay');
    await new Promise((r) => setTimeout(r, 100));
    expect(second.messages.map(text)).toEqual(['three', 'four', 'five', 'six']);
    expect(second.named).toEqual([]); // no gap
  });

  it('reports Redis in /health and /metrics', async () => {
    const { a } = await pair();
    const health = await json(await fetch(`${a.url}/health`));
    expect(health).toMatchObject({
      status: 'ok',
      backend: { type: 'redis', up: true, publisher: 'ready', reader: 'ready' },
    });
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/^webstream_redis_up 1$/m);
  });

  it('survives a Redis restart mid-stream: 503 while down, nothing published after it comes back is lost', async () => {
    const redis = await privateRedis();
    cleanup.push(() => redis.stop());
    const { a, b } = await pair(redis.url);
    using client = listen(`${a.url}/stream`);
    await client.opened;
    await post(`${b.url}/api/push`, { message: 'before' });
    await until(() => client.messages.length === 1, 5000, 'the first message');

    await redis.stop();
    let down: Response | undefined;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      down = await post(`${b.url}/api/push`, { message: 'lost?' });
      if (down.status === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(down?.status).toBe(503);
    expect((await json(down as Response)).error).toMatch(/message not accepted: Redis is unavailable/);
    expect((await fetch(`${a.url}/health`)).status).toBe(503);

    await redis.start();
    const up = Date.now() + 10_000;
    while (Date.now() < up && (await fetch(`${b.url}/health`)).status !== 200)
      await new Promise((r) => setTimeout(r, 100));
    while (Date.now() < up && (await fetch(`${a.url}/health`)).status !== 200)
      await new Promise((r) => setTimeout(r, 100));
    for (const message of ['after-1', 'after-2', 'after-3'])
      expect((await post(`${b.url}/api/push`, { message })).status).toBe(200);
    await until(() => client.messages.length === 4, 10_000, 'everything published after the restart');
    expect(client.messages.map(text)).toEqual(['before', 'after-1', 'after-2', 'after-3']);
  });
});

describe('MCP resumability across instances (session logs in Redis)', () => {
  it('a session started on A, disconnected, resumes on B with Last-Event-ID and gets exactly the missed notifications', async () => {
    const redisStream = `webstream:test:${randomUUID()}`;
    const cwd = project();
    const a = await startTestServer({ redis: SHARED_REDIS_URL, redisStream, cwd });
    const b = await startTestServer({ redis: SHARED_REDIS_URL, redisStream, cwd });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const ids: string[] = [];
    const first = await connectMcp(a.url, { ids }, cleanup);
    const sessionId = first.transport.sessionId as string;
    await until(() => a.mcp.list().some((s) => s.id === sessionId && s.openStreams > 0), 5000, 'the GET stream on A');
    await until(() => ids.length > 0, 5000, 'the priming event');
    const lastSeen = ids.at(-1) as string;
    await first.client.close(); // the client goes away; A keeps the session and logs for it

    const missed: string[] = [];
    const off = a.dev.runner.on('log', (l) => missed.push(l.id));
    const run = a.dev.runner.runScript('crash');
    await until(() => a.dev.runner.get(run.id)?.status === 'exited', 10_000, 'the run on A');
    off();
    await new Promise((r) => setTimeout(r, 200));

    // The client comes back through the load balancer and lands on B.
    const second = await connectMcp(b.url, { sessionId }, cleanup);
    await second.transport.resumeStream(lastSeen);
    await until(() => second.notes.some((n) => n.method === 'notifications/process/exited'), 5000, 'the replay from B');
    await new Promise((r) => setTimeout(r, 200));
    const replayed = second.dev();
    expect(replayed[0]?.method).toBe('notifications/process/started');
    expect(replayed.at(-1)?.method).toBe('notifications/process/exited');
    expect(
      replayed.filter((n) => n.method === 'notifications/logs/new').map((n) => (n.params as { id: string }).id),
    ).toEqual(missed);
    expect(replayed.every((n) => (n.params as { processId: string }).processId === run.id)).toBe(true);
    expect(b.mcp.list().map((s) => s.id)).toEqual([sessionId]);
    // And the taken-over session works for requests too.
    expect((await second.client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
