import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createDevService, type DevService } from '../src/dev/devEvents.js';
import { DEV_RESOURCES } from '../src/mcp/devProcessResources.js';
import { createMcpSessions, type McpSessions } from '../src/mcp/http/httpSessions.js';
import { memorySessionLogs, redisSessionLogs, type SessionLogs } from '../src/mcp/http/sessionEventLogs.js';
import { GAP_NOTIFICATION_METHOD, type GapParams } from '../src/mcp/http/sessionEventStore.js';
import { createLogger } from '../src/server/logger.js';
import { createStreamService } from '../src/stream/streamService.js';
import { fixtureProject, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();

/** A session log backend, and how to wait until what was sent to it is stored. */
interface Backend {
  logs?: SessionLogs;
  /** Resolves once every event already handed to the backend is stored. */
  settle(): Promise<unknown>;
}

const BACKENDS: [string, () => Backend][] = [
  ['memory', () => ({ settle: async () => undefined })], // stores synchronously
  [
    'Redis',
    () => {
      const redis = new Redis(TEST_REDIS_URL);
      const prefix = `webstream:test:${randomUUID()}`;
      defer(async () => {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      // One connection answers in order: a PING answered means every earlier write is applied.
      return { logs: redisSessionLogs(redis, { prefix }), settle: () => redis.ping() };
    },
  ],
];

/** The MCP endpoint alone on 127.0.0.1:0 (no /api, no auth), with session log options. */
async function startMcp(backend: Backend, sessionEvents?: number) {
  const cwd = fixtureProject('ws-resume-');
  const logger = createLogger('silent');
  const service = createStreamService({ hub: { heartbeatIntervalMs: null } });
  const dev = createDevService({ cwd, stream: service, logger });
  const mcp = createMcpSessions({ service, dev, logger, sessionEvents, logs: backend.logs });
  const server = createAdaptorServer({
    fetch: (request: Request) => mcp.handle(request),
    overrideGlobalObjects: false,
  }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(async () => {
    await mcp.close();
    await dev.close();
    await service.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cwd, mcp, dev };
}

/** Starts the burst fixture and waits for its first line. */
async function startBurst(dev: DevService) {
  const info = dev.runner.runScript('burst');
  await until(() => dev.runner.logs.search({ query: 'burst ready' }).length === 1, 10_000, 'the burst script');
  return info;
}

/** Makes the burst fixture print `count` lines (or exit); resolves once the runner has emitted them. */
async function burst(dev: DevService, cwd: string, count: number | 'exit'): Promise<string[]> {
  const lines: string[] = [];
  const off = dev.runner.on('log', (l) => {
    if (/^line \d+$/.test(l.content)) lines.push(l.content);
  });
  writeFileSync(join(cwd, 'burst.tmp'), String(count));
  renameSync(join(cwd, 'burst.tmp'), join(cwd, 'burst.go'));
  try {
    if (count !== 'exit') await until(() => lines.length >= count, 30_000, `${count} lines from the burst script`);
  } finally {
    off();
  }
  return lines;
}

/** Waits until the server has seen a session's streams close (a resume of an open stream is a 409). */
const dropped = (mcp: McpSessions, sessionId: string) =>
  until(() => mcp.list().find((s) => s.id === sessionId)?.openStreams === 0, WAIT_MS, 'the client to drop');
const seqOf = (id: string) => Number(id.split('.').at(-1));
const gapsIn = (notes: Notification[]) =>
  notes.filter((n) => n.method === GAP_NOTIFICATION_METHOD).map((n) => n.params as unknown as GapParams);
/** The notifications of a resumed stream that matter here, in order: gaps and log lines. */
const replayOf = (notes: Notification[], method: string) =>
  notes
    .filter((n) => n.method === GAP_NOTIFICATION_METHOD || n.method === method)
    .map((n) =>
      n.method === GAP_NOTIFICATION_METHOD
        ? 'gap'
        : String(((n.params as { data?: { content: string } }).data ?? n.params)?.content),
    );

describe.each(BACKENDS)('MCP resumption past the session log (%s)', (_name, makeBackend) => {
  it('GET stream at the edge: exactly N missed replays them with no gap; N+1 says 1 is missing first', async () => {
    const backend = makeBackend();
    const N = 10;
    const { url, cwd, dev, mcp } = await startMcp(backend, N);
    const ids: string[] = [];
    const a = await connectMcp(url, { ids }, defer);
    const sessionId = a.transport.sessionId as string;
    await startBurst(dev);
    await until(() => a.dev().some((n) => (n.params as { content?: string }).content === 'burst ready'), WAIT_MS, 'A');
    const first = ids.at(-1) as string;
    await a.client.close();
    await dropped(mcp, sessionId);

    const exactlyN = await burst(dev, cwd, N);
    await backend.settle();
    const bIds: string[] = [];
    const b = await connectMcp(url, { sessionId, ids: bIds }, defer);
    await b.transport.resumeStream(first);
    await until(() => b.dev().length === N, WAIT_MS, 'the N missed notifications');
    expect(replayOf(b.notes, 'notifications/logs/new')).toEqual(exactlyN);
    expect(bIds.map(seqOf)).toEqual(exactlyN.map((_, i) => seqOf(first) + i + 1)); // ids strictly increase
    const second = bIds.at(-1) as string;
    await b.client.close();
    await dropped(mcp, sessionId);

    const onePast = await burst(dev, cwd, N + 1);
    await backend.settle();
    const c = await connectMcp(url, { sessionId }, defer);
    await c.transport.resumeStream(second);
    await until(() => c.dev().length === N, WAIT_MS, 'the N retained notifications');
    expect(replayOf(c.notes, 'notifications/logs/new')).toEqual(['gap', ...onePast.slice(1)]);
    const [gap] = gapsIn(c.notes);
    expect(gap).toMatchObject({
      reason: 'expired',
      lastEventId: second,
      missed: 1,
      retained: N,
      capacity: N,
      resources: [...DEV_RESOURCES],
    });
    expect(gap?.firstMissedId).toBe(gap?.lastMissedId);
    expect(seqOf(gap?.firstMissedId as string)).toBe(seqOf(second) + 1);
    expect(gap?.message).toMatch(/^1 event after .* is no longer kept .*logs:\/\/recent, logs:\/\/errors/);
  });

  it('GET stream, 3,006 missed notifications with the default 1,000 kept: a gap of 2,006, then the last 1,000', async () => {
    const backend = makeBackend();
    const { url, cwd, dev, mcp } = await startMcp(backend);
    const ids: string[] = [];
    const a = await connectMcp(url, { ids }, defer);
    const sessionId = a.transport.sessionId as string;
    await until(() => ids.length > 0, WAIT_MS, 'the priming event');
    const lastSeen = ids.at(-1) as string;
    await a.client.close();
    await dropped(mcp, sessionId);

    const missed: string[] = []; // every notification the GET stream gets while nobody listens
    const offs = (['started', 'log', 'error', 'exited'] as const).map((kind) =>
      dev.runner.on(kind, (e) => missed.push(kind === 'log' ? (e as { content: string }).content : kind)),
    );
    await startBurst(dev); // process/started, npm's banner, "burst ready"
    await burst(dev, cwd, 3006 - missed.length);
    for (const off of offs) off();
    expect(missed).toHaveLength(3006);
    expect(missed[0]).toBe('started');
    await backend.settle();

    const b = await connectMcp(url, { sessionId }, defer);
    await b.transport.resumeStream(lastSeen);
    await until(() => b.dev().length === 1000, 10_000, 'the 1,000 retained notifications');
    const [gap] = gapsIn(b.notes);
    expect(gap).toMatchObject({ missed: 2006, retained: 1000, lastEventId: lastSeen });
    expect(seqOf(gap?.lastMissedId as string)).toBe(seqOf(lastSeen) + 2006);
    expect(replayOf(b.notes, 'notifications/logs/new')).toEqual(['gap', ...missed.slice(2006)]);
    expect(b.notes.findIndex((n) => n.method === GAP_NOTIFICATION_METHOD)).toBeLessThan(
      b.notes.findIndex((n) => n.method === 'notifications/logs/new'),
    );
  });

  it('a running scripts_run POST stream resumed past the log gets the gap, the retained lines, then its result', async () => {
    const backend = makeBackend();
    const { url, cwd, dev, mcp } = await startMcp(backend);
    const a = await connectMcp(url, {}, defer);
    const sessionId = a.transport.sessionId as string;
    const postIds: string[] = [];
    const call = a.client
      .callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 120_000 } }, undefined, {
        onresumptiontoken: (id) => {
          postIds.push(id);
        },
        timeout: 120_000,
      })
      .catch((error: unknown) => error);
    const ready = () =>
      a.notes.some(
        (n) =>
          n.method === 'notifications/message' &&
          (n.params?.data as { content: string } | undefined)?.content === 'burst ready',
      );
    await until(ready, 10_000, 'the first line on the POST stream');
    const lastSeen = postIds.at(-1) as string;
    await a.client.close(); // the client drops; the tool call goes on, its events are stored
    expect(await call).toBeInstanceOf(Error);
    await dropped(mcp, sessionId);

    const lines = await burst(dev, cwd, 3006);
    await backend.settle();
    const b = await connectMcp(url, { sessionId }, defer);
    const resumed = b.client.callTool({ name: 'scripts_run', arguments: { name: 'burst' } }, undefined, {
      resumptionToken: lastSeen,
      timeout: 60_000,
    });
    await until(() => gapsIn(b.notes).length === 1, 10_000, 'the gap notification');
    const [gap] = gapsIn(b.notes);
    // The GET stream's logs/new share the session log with this stream: about half of it is this stream's.
    expect(gap?.missed).toBeGreaterThan(3006 - 1000);
    expect((gap?.missed ?? 0) + (gap?.retained ?? 0)).toBe(3006);
    await until(
      () => b.notes.filter((n) => n.method === 'notifications/message').length === gap?.retained,
      10_000,
      'the retained lines',
    );
    expect(replayOf(b.notes, 'notifications/message')).toEqual(['gap', ...lines.slice(gap?.missed ?? 0)]);
    expect(seqOf(gap?.firstMissedId as string)).toBe(seqOf(lastSeen) + 1);

    await burst(dev, cwd, 'exit');
    const result = await resumed;
    expect(result.structuredContent).toMatchObject({ running: false, alreadyRunning: false, process: { exitCode: 0 } });
  });

  it('the log: exact counts per stream, ids that never repeat (even for a forgotten stream), forgotten positions refused', async () => {
    const log = (makeBackend().logs ?? memorySessionLogs()).open(randomUUID(), { maxEvents: 3 });
    const primed = await log.mark('a');
    const a1 = await log.append('a', '"1"');
    expect(a1).toEqual({ epoch: primed.epoch, seq: primed.seq + 1 });
    expect(await log.after('a', primed)).toEqual({ events: [{ seq: a1.seq, data: '"1"' }], missed: 0 });
    const a2 = await log.append('a', '"2"');
    await log.append('b', '"b"');
    await log.append('c', '"c"'); // evicts "1": 3 events kept
    expect(await log.after('a', primed)).toEqual({ events: [{ seq: a2.seq, data: '"2"' }], missed: 1 });
    expect(await log.after('a', { ...a2, seq: a2.seq + 1 })).toBeUndefined(); // not issued yet
    expect(await log.after('a', { ...a2, epoch: a2.epoch === '00000000' ? '11111111' : '00000000' })).toBeUndefined();
    await log.append('d', '"d"'); // 3 more recent streams than "a": its count is forgotten, its events evicted
    expect(await log.after('a', a2)).toBeUndefined();
    const a3 = await log.append('a', '"3"');
    expect(a3.seq).toBeGreaterThan(a2.seq); // a fresh start above anything issued before
    expect(await log.after('a', a2)).toBeUndefined();
    expect(await log.after('a', { ...a3, seq: a3.seq - 1 })).toEqual({
      events: [{ seq: a3.seq, data: '"3"' }],
      missed: 0,
    });
  });

  it('refuses Last-Event-IDs this session never issued (400, saying so); resumes from one it did', async () => {
    const { url, mcp } = await startMcp(makeBackend(), 10);
    const ids: string[] = [];
    const a = await connectMcp(url, { ids }, defer);
    const other: string[] = [];
    await connectMcp(url, { ids: other }, defer);
    await until(() => ids.length > 0 && other.length > 0, WAIT_MS, 'both priming events');
    const sessionId = a.transport.sessionId as string;
    await a.client.close();
    await dropped(mcp, sessionId);
    const primed = ids[0] as string;
    const [stream, position] = primed.split('|') as [string, string];
    const [epoch, seq] = position.split('.') as [string, string];
    const resume = (lastEventId: string) =>
      fetch(`${url}/mcp`, {
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
          'last-event-id': lastEventId,
        },
      });
    const never = [
      'garbage',
      `${stream}|${epoch === 'deadbeef' ? 'feedface' : 'deadbeef'}.${seq}`, // another log's epoch
      `${stream}|${epoch}.${Number(seq) + 1}`, // not issued yet
      `${randomUUID()}|${epoch}.0`, // a stream this session never had
      other[0] as string, // another session's id
    ];
    for (const id of never) {
      const res = await resume(id);
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /is unknown to this session \(never issued by it/,
      );
    }
    const ok = await resume(primed);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/text\/event-stream/);
    await ok.body?.cancel();
  });
});
