// Volume: resuming after thousands of missed notifications, past the session log's 1,000. `pnpm test`
// runs these; `pnpm test:fast` does not.
import { SESSION_GAP_METHOD } from '@ws/events';
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { WAIT_MS } from '../helpers.js';
import { connectMcp } from '../mcpClient.js';
import { backends, burst, dropped, gapsIn, replayOf, seqOf, startBurst, startMcp } from '../mcpResumeHarness.js';

const defer = cleanupAfterEach();

describe.each(backends(defer))('MCP resumption past the session log, 3,006 missed (%s)', (_name, makeBackend) => {
  it('GET stream, 3,006 missed notifications with the default 1,000 kept: a gap of 2,006, then the last 1,000', async () => {
    const backend = makeBackend();
    const { url, cwd, dev, mcp } = await startMcp(defer, backend);
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
    expect(b.notes.findIndex((n) => n.method === SESSION_GAP_METHOD)).toBeLessThan(
      b.notes.findIndex((n) => n.method === 'notifications/logs/new'),
    );
  });

  it('a running scripts_run POST stream resumed past the log gets the gap, the retained lines, then its result', async () => {
    const backend = makeBackend();
    const { url, cwd, dev, mcp } = await startMcp(defer, backend);
    const a = await connectMcp(url, {}, defer);
    const sessionId = a.transport.sessionId as string;
    const postIds: string[] = [];
    let ready = false;
    // With a progress token, the call's stream carries each line as a progress notification.
    const call = a.client
      .callTool({ name: 'scripts_run', arguments: { name: 'burst', waitMs: 120_000 } }, undefined, {
        onprogress: (p) => {
          if (p.message === 'burst ready') ready = true;
        },
        onresumptiontoken: (id) => {
          postIds.push(id);
        },
        timeout: 120_000,
      })
      .catch((error: unknown) => error);
    await until(() => ready, 10_000, 'the first line on the POST stream');
    const lastSeen = postIds.at(-1) as string;
    await a.client.close(); // the client drops; the tool call goes on, its events are stored
    expect(await call).toBeInstanceOf(Error);
    await dropped(mcp, sessionId);

    const lines = await burst(dev, cwd, 3006);
    await backend.settle();
    const b = await connectMcp(url, { sessionId }, defer);
    // Every message the transport delivers, progress included (the replayed progress carries the first
    // call's token, which this client does not know: it reports that to onerror, and the test reads it here).
    const raw: { method?: string; params?: { message?: string } }[] = [];
    const deliver = b.transport.onmessage;
    b.transport.onmessage = (message) => {
      raw.push(message as (typeof raw)[number]);
      deliver?.(message);
    };
    b.client.onerror = () => undefined;
    const resumed = b.client.callTool({ name: 'scripts_run', arguments: { name: 'burst' } }, undefined, {
      resumptionToken: lastSeen,
      timeout: 60_000,
    });
    await until(() => gapsIn(b.notes).length === 1, 10_000, 'the gap notification');
    const [gap] = gapsIn(b.notes);
    // The GET stream's logs/new share the session log with this stream: about half of it is this stream's.
    expect(gap?.missed).toBeGreaterThan(3006 - 1000);
    expect((gap?.missed ?? 0) + (gap?.retained ?? 0)).toBe(3006);
    const progress = () => raw.filter((m) => m.method === 'notifications/progress');
    await until(() => progress().length === gap?.retained, 10_000, 'the retained lines');
    expect(progress().map((m) => m.params?.message)).toEqual(lines.slice(gap?.missed ?? 0));
    expect(raw.findIndex((m) => m.method === SESSION_GAP_METHOD)).toBeLessThan(raw.indexOf(progress()[0] as never));
    expect(seqOf(gap?.firstMissedId as string)).toBe(seqOf(lastSeen) + 1);

    await burst(dev, cwd, 'exit');
    const result = await resumed;
    expect(result.structuredContent).toMatchObject({ running: false, alreadyRunning: false, process: { exitCode: 0 } });
  });
});
