import { randomUUID } from 'node:crypto';
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { DEV_RESOURCES } from '../src/mcp/devProcessResources.js';
import { memorySessionLogs } from '../src/mcp/http/sessionEventLogs.js';
import { WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';
import { backends, burst, dropped, gapsIn, replayOf, seqOf, startBurst, startMcp } from './mcpResumeHarness.js';

const defer = cleanupAfterEach();

describe.each(backends(defer))('MCP resumption past the session log (%s)', (_name, makeBackend) => {
  it('GET stream at the edge: exactly N missed replays them with no gap; N+1 says 1 is missing first', async () => {
    const backend = makeBackend();
    const N = 10;
    const { url, cwd, dev, mcp } = await startMcp(defer, backend, N);
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
    const { url, mcp } = await startMcp(defer, makeBackend(), 10);
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
