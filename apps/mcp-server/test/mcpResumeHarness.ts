// The MCP endpoint alone, a burst-printing dev script and the session log backends, for the
// resumption tests (mcpResume.test.ts, volume/resumeOverflow.test.ts).
import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { SESSION_GAP_METHOD, type SessionGap } from '@ws/events';
import { type Defer, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { createLocalApi } from '../src/api/localApi.js';
import { createDevService, type DevService } from '../src/dev/devEvents.js';
import { createMcpSessions, type McpSessions } from '../src/mcp/http/httpSessions.js';
import { redisSessionLogs, type SessionLogs } from '../src/mcp/http/sessionEventLogs.js';
import { createLogger } from '../src/server/logger.js';
import { createStreamService } from '../src/stream/streamService.js';
import { fixtureProject, WAIT_MS } from './helpers.js';

/** A session log backend, and how to wait until what was sent to it is stored. */
export interface Backend {
  logs?: SessionLogs;
  /** Resolves once every event already handed to the backend is stored. */
  settle(): Promise<unknown>;
}

/** The session log backends every resumption test runs against, each cleaned up through `defer`. */
export const backends = (defer: Defer): [string, () => Backend][] => [
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

/** The MCP endpoint alone on 127.0.0.1:0 (no /api, no auth), with session log options; closed through `defer`. */
export async function startMcp(defer: Defer, backend: Backend, sessionEvents?: number) {
  const cwd = fixtureProject('ws-resume-');
  const logger = createLogger('silent');
  const service = createStreamService({ hub: { heartbeatIntervalMs: null } });
  const dev = createDevService({ cwd, stream: service, logger });
  const api = createLocalApi({ service, dev });
  const mcp = createMcpSessions({ api, logger, sessionEvents, logs: backend.logs });
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
export async function startBurst(dev: DevService) {
  const info = dev.runner.runScript('burst');
  await until(() => dev.runner.logs.search({ query: 'burst ready' }).length === 1, 10_000, 'the burst script');
  return info;
}

/** Makes the burst fixture print `count` lines (or exit); resolves once the runner has emitted them. */
export async function burst(dev: DevService, cwd: string, count: number | 'exit'): Promise<string[]> {
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
export const dropped = (mcp: McpSessions, sessionId: string) =>
  until(() => mcp.list().find((s) => s.id === sessionId)?.openStreams === 0, WAIT_MS, 'the client to drop');
export const seqOf = (id: string) => Number(id.split('.').at(-1));
export const gapsIn = (notes: Notification[]) =>
  notes.filter((n) => n.method === SESSION_GAP_METHOD).map((n) => n.params as unknown as SessionGap);
/** The notifications of a resumed stream that matter here, in order: gaps and log lines. */
export const replayOf = (notes: Notification[], method: string) =>
  notes
    .filter((n) => n.method === SESSION_GAP_METHOD || n.method === method)
    .map((n) =>
      n.method === SESSION_GAP_METHOD
        ? 'gap'
        : String(((n.params as { data?: { content: string } }).data ?? n.params)?.content),
    );
