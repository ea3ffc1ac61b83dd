// The server's answers, read by a real client over real sockets, match the @ws/events schemas the
// dashboard checks them with: if they drift apart, this fails here rather than in the page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorBodySchema,
  ErrorListSchema,
  LogLinesSchema,
  MessageHistorySchema,
  MessageStatusSchema,
  ProcessListSchema,
  ProcessResultSchema,
  PushResultSchema,
  ReplayedSchema,
  RunResultSchema,
  ScriptListSchema,
  StreamGapSchema,
  StreamStatusSchema,
} from '@ws/events';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fixtureProject, type Server, startServer } from './harness.js';

let server: Server;
let project: string;
const extra: Server[] = [];
const adopt = (s: Server) => {
  extra.push(s);
  return s;
};
beforeAll(async () => {
  project = fixtureProject();
  server = await startServer(['--cwd', project]);
});
afterAll(async () => {
  for (const s of [server, ...extra]) await s?.stop();
});

/** Calls the API and parses the answer with `schema`; the status is checked too. */
async function answer<S extends z.ZodType>(schema: S, status: number, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(status);
  const parsed = schema.safeParse(json);
  expect(parsed.error?.issues ?? [], JSON.stringify(json)).toEqual([]);
  return parsed.data as z.output<S>;
}

/** The named events of one `/stream` connection, until `until` says stop (bounded by a timeout). */
function streamEvents(query: string, names: string[], until: (seen: [string, unknown][]) => boolean) {
  return new Promise<[string, unknown][]>((resolve, reject) => {
    const es = new EventSource(`${server.url}/stream?${query}`);
    const seen: [string, unknown][] = [];
    const timer = setTimeout(() => {
      es.close();
      reject(new Error(`timed out; saw ${JSON.stringify(seen)}`));
    }, 10_000);
    for (const name of names) {
      es.addEventListener(name, (e) => {
        seen.push([name, JSON.parse(e.data)]);
        if (!until(seen)) return;
        clearTimeout(timer);
        es.close();
        resolve(seen);
      });
    }
  });
}

describe('stream API answers match their schemas', () => {
  it('push, stats, ack, message status, history and error bodies', async () => {
    // The ack is tied to a connection: its id and key come in the stream's first (connected) event.
    const [[, connected]] = (await streamEvents('channel=elsewhere', ['connected'], (s) => s.length > 0)) as [
      [string, { connection: string; ackKey: string }],
    ];
    const pushed = await answer(PushResultSchema, 200, '/api/push', { message: 'contract', channel: 'ops' });
    expect(pushed.status).toBe('success');
    await answer(StreamStatusSchema, 200, '/api/stats');
    const ack = { id: pushed.id, connection: connected.connection, key: connected.ackKey };
    const acked = await answer(MessageStatusSchema, 200, '/api/ack', ack);
    expect(acked).toMatchObject({ id: pushed.id, reached: expect.any(Number), acknowledged: 1 });
    expect(acked.acks).toEqual([{ connection: connected.connection, at: expect.any(String) }]);
    await answer(MessageStatusSchema, 200, `/api/messages/${encodeURIComponent(pushed.id)}`);
    const { messages } = await answer(MessageHistorySchema, 200, '/api/history?channel=ops');
    expect(messages.map((m) => m.id)).toContain(pushed.id);
    const invalid = await answer(ErrorBodySchema, 400, '/api/push', { message: 'x', channel: 'a b' });
    expect(invalid.issues?.map((i) => i.path)).toEqual(['channel']);
    await answer(ErrorBodySchema, 400, '/api/ack', { id: pushed.id, connection: 'no spaces' });
    await answer(ErrorBodySchema, 404, '/api/messages/never-published');
  });

  it('the replayed marker and a gap for an id the server never issued', async () => {
    const seen = await streamEvents('lastEventId=never-issued', ['gap', 'replayed'], (s) =>
      s.some(([name]) => name === 'replayed'),
    );
    expect(seen[0]?.[0]).toBe('gap');
    expect(StreamGapSchema.parse(seen[0]?.[1])).toEqual({ reason: 'unknown', lastEventId: 'never-issued' });
    expect(ReplayedSchema.safeParse(seen.at(-1)?.[1]).success).toBe(true);
  });
});

describe('dev API answers match their schemas', () => {
  it('a folder without package.json: no scripts, and the problem in words', async () => {
    const empty = adopt(await startServer(['--cwd', mkdtempSync(join(tmpdir(), 'ws-empty-'))]));
    const res = await fetch(`${empty.url}/api/scripts`);
    const scripts = ScriptListSchema.parse(await res.json());
    expect(scripts.packageJson).toBeNull();
    expect(scripts.scripts).toEqual({});
    expect(scripts.problem).toMatch(/package\.json/);
  });

  it('scripts, run, processes, logs, errors and stop', async () => {
    const scripts = await answer(ScriptListSchema, 200, '/api/scripts');
    expect(Object.keys(scripts.scripts)).toContain('burst');
    expect(scripts.problem).toBeUndefined();
    const run = await answer(RunResultSchema, 201, '/api/scripts/burst/run', {});
    expect(run.alreadyRunning).toBe(false);
    expect((await answer(RunResultSchema, 200, '/api/scripts/burst/run', {})).alreadyRunning).toBe(true);
    writeFileSync(join(project, 'burst.go'), '3');
    const id = encodeURIComponent(run.process.id);
    await expect
      .poll(async () => (await answer(LogLinesSchema, 200, `/api/processes/${id}/logs`)).lines.at(-1)?.content, {
        timeout: 10_000,
      })
      .toBe('line 3');
    const { processes } = await answer(ProcessListSchema, 200, '/api/processes');
    expect(processes.map((p) => p.id)).toContain(run.process.id);
    await answer(ErrorListSchema, 200, `/api/errors?processId=${id}`);
    const stopped = await answer(ProcessResultSchema, 200, `/api/processes/${id}/stop`, {});
    expect(stopped.process.status).not.toBe('running');
    await answer(ErrorBodySchema, 404, '/api/processes/no-such-process');
  });
});
