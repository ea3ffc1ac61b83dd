// Volume: one stalled WebSocket among fast ones, 12 MB per socket. `pnpm test` runs it; `pnpm test:fast` does not.
import { openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { post, startTestServer, WAIT_MS } from '../helpers.js';
import { openWs } from '../wsClient.js';

describe('GET /ws under volume', () => {
  it('a socket that stops reading costs the others nothing: its buffer is bounded, it gets a gap', {
    timeout: 90_000,
  }, async () => {
    const maxQueueBytes = 512 * 1024;
    await using server = await startTestServer({ maxQueueBytes });
    using stalled = openWs(`${server.url}/ws`);
    await stalled.waitFor((m) => m.kind === 'welcome', 'welcome');
    stalled.ws.pause(); // stops reading the TCP socket: the kernel buffers fill, then the server's
    const fast = Array.from({ length: 4 }, () => openWs(`${server.url}/ws`));
    using sse = openEventSource(`${server.url}/stream`);
    await Promise.all([...fast.map((f) => f.opened), sse.opened]);
    await until(() => server.service.hub.stats().clients === 6, WAIT_MS, 'six clients');
    // More than the kernel buffers of the stalled socket hold, in few requests.
    const message = 'x'.repeat(60_000);
    const total = 200;
    for (let i = 0; i < total; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => post(`${server.url}/api/push`, { message })));
    }
    await until(
      () => fast.every((f) => f.events().length === total) && sse.messages.length === total,
      60_000,
      () => `every message at every fast reader (${fast.map((f) => f.events().length)}, sse ${sse.messages.length})`,
    );
    for (const f of fast) {
      const ids = f.events().map((m) => m.id as string);
      expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as string))).toBe(true);
    }
    const stats = server.service.hub.stats();
    expect(stats.dropped).toBeGreaterThan(0); // the stalled socket lost frames, and only it
    expect(stats.queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
    // Reading again, it learns what it missed, where: a gap message, then the newest events.
    stalled.ws.resume();
    const gap = await stalled.waitFor((m) => m.kind === 'gap', 'the overflow gap');
    expect(gap.gap).toMatchObject({ reason: 'overflow', missed: expect.any(Number) });
    for (const f of fast) f.ws.terminate();
  });
});
