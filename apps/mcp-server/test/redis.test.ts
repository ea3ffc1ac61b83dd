import { randomUUID } from 'node:crypto';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, openEventSource, startPrivateRedis, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisSessionLogs } from '../src/mcp/http/sessionEventLogs.js';
import { fixtureProject, json, post, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();

/** Two instances on one Redis stream (a fresh key on the shared Redis unless a URL is given). */
async function pair(url = TEST_REDIS_URL) {
  const redisStream = `webstream:test:${randomUUID()}`;
  const a = await startTestServer({ redis: url, redisStream });
  const b = await startTestServer({ redis: url, redisStream });
  defer(
    () => a.close(),
    () => b.close(),
    async () => {
      if (url !== TEST_REDIS_URL) return;
      const r = new Redis(url);
      await r.del(redisStream);
      r.disconnect();
    },
  );
  return { a, b };
}

const text = (m: { data: string }) => m.data.split('] ')[1];

/** Whether the server answers /health with 200. */
async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health`);
  await res.body?.cancel();
  return res.status === 200;
}

describe('several instances on Redis (real Redis on 127.0.0.1:6379)', () => {
  it('a client on A receives what is published on B, with the same id', async () => {
    const { a, b } = await pair();
    using client = openEventSource(`${a.url}/stream`);
    await client.opened;
    const res = await post(`${b.url}/api/push`, { message: 'from B' });
    expect(res.status).toBe(200);
    const pushed = await json(res);
    await until(() => client.messages.length === 1, WAIT_MS, 'the message on A');
    expect(client.messages[0]).toEqual({ data: `[${pushed.timestamp}] from B`, id: pushed.id });
    expect(pushed.id).toMatch(/^\d+-\d+$/);
  });

  it('a client that drops from A resumes on B with Last-Event-ID and receives exactly the missed events', async () => {
    const { a, b } = await pair();
    const first = openEventSource(`${a.url}/stream`);
    await first.opened;
    for (const message of ['one', 'two']) await post(`${a.url}/api/push`, { message });
    await until(() => first.messages.length === 2, WAIT_MS, 'two messages on A');
    const lastSeen = first.messages.at(-1)?.id as string;
    first.es.close();
    for (const message of ['three', 'four', 'five']) await post(`${a.url}/api/push`, { message });
    using second = openEventSource(`${b.url}/stream`, { headers: { 'Last-Event-ID': lastSeen } });
    await until(() => second.messages.length === 3, WAIT_MS, 'the missed messages on B');
    await post(`${b.url}/api/push`, { message: 'six' });
    // Live after the replay on one ordered connection: a replayed event sent twice would come before it.
    await until(() => second.messages.some((m) => text(m) === 'six'), WAIT_MS, 'live after the replay');
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
    const redis = await startPrivateRedis();
    defer(() => redis.stop());
    const { a, b } = await pair(redis.url);
    using client = openEventSource(`${a.url}/stream`);
    await client.opened;
    await post(`${b.url}/api/push`, { message: 'before' });
    await until(() => client.messages.length === 1, WAIT_MS, 'the first message');

    await redis.stop();
    let down: Response | undefined;
    const refused = async () => {
      down = await post(`${b.url}/api/push`, { message: 'lost?' });
      return down.status === 503;
    };
    await until(refused, WAIT_MS, () => `a push to be refused while Redis is down (last: ${down?.status})`);
    expect((await json(down as Response)).error).toMatch(/message not accepted: Redis is unavailable/);
    expect((await fetch(`${a.url}/health`)).status).toBe(503);

    await redis.start();
    await until(() => healthy(b.url), WAIT_MS, 'B to be healthy again');
    await until(() => healthy(a.url), WAIT_MS, 'A to be healthy again');
    for (const message of ['after-1', 'after-2', 'after-3'])
      expect((await post(`${b.url}/api/push`, { message })).status).toBe(200);
    await until(() => client.messages.length === 4, 10_000, 'everything published after the restart');
    expect(client.messages.map(text)).toEqual(['before', 'after-1', 'after-2', 'after-3']);
  });
});

describe('MCP resumability across instances (session logs in Redis)', () => {
  it('a session started on A, disconnected, resumes on B with Last-Event-ID and gets exactly the missed notifications', async () => {
    const redisStream = `webstream:test:${randomUUID()}`;
    const cwd = fixtureProject('ws-redis-');
    const a = await startTestServer({ redis: TEST_REDIS_URL, redisStream, cwd });
    const b = await startTestServer({ redis: TEST_REDIS_URL, redisStream, cwd });
    defer(
      () => a.close(),
      () => b.close(),
    );
    const ids: string[] = [];
    const first = await connectMcp(a.url, { ids }, defer);
    const sessionId = first.transport.sessionId as string;
    await until(
      () => a.mcp.list().some((s) => s.id === sessionId && s.openStreams > 0),
      WAIT_MS,
      'the GET stream on A',
    );
    await until(() => ids.length > 0, WAIT_MS, 'the priming event');
    const lastSeen = ids.at(-1) as string;
    await first.client.close(); // the client goes away; A keeps the session and logs for it

    const missed: string[] = [];
    const off = a.dev.runner.on('log', (l) => missed.push(l.id));
    const run = a.dev.runner.runScript('crash');
    await until(() => a.dev.runner.get(run.id)?.status === 'exited', 10_000, 'the run on A');
    off();
    // A writes the session log to Redis asynchronously, in order: once its last notification (the
    // exit) is there, so is the whole run.
    const reader = new Redis(TEST_REDIS_URL);
    defer(() => reader.disconnect());
    const log = redisSessionLogs(reader, { prefix: redisStream }).open(sessionId);
    const [stream, position] = lastSeen.split('|') as [string, string];
    const [epoch, seq] = position.split('.') as [string, string];
    await until(
      async () =>
        (await log.after(stream, { epoch, seq: Number(seq) }))?.events
          .at(-1)
          ?.data.includes('notifications/process/exited') === true,
      WAIT_MS,
      "the run's exit in A's session log in Redis",
    );

    // The client comes back through the load balancer and lands on B.
    const second = await connectMcp(b.url, { sessionId }, defer);
    await second.transport.resumeStream(lastSeen);
    await until(
      () => second.notes.some((n) => n.method === 'notifications/process/exited'),
      WAIT_MS,
      'the replay from B',
    );
    // A run B starts now is announced after everything the resume sends (one ordered stream): what
    // came before it is the whole replay.
    const marker = b.dev.runner.runCommand('node -e 0', 'marker');
    const isMarker = (n: Notification) => (n.params as { processId?: string }).processId === marker.id;
    await until(() => second.dev().some(isMarker), WAIT_MS, 'the marker run after the replay');
    const replayed = second.dev().slice(0, second.dev().findIndex(isMarker));
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
