// Volume: a stalled reader among fast ones, with 8 MB per reader. `pnpm test` runs it; `pnpm test:fast` does not.
import { connect } from 'node:net';
import { openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { post, startTestServer, WAIT_MS } from '../helpers.js';

describe('POST /api/push → GET /stream under volume', () => {
  it('a client with a full socket buffer (never reading) does not delay the others', async () => {
    const maxQueueBytes = 512 * 1024;
    await using server = await startTestServer({ maxQueueBytes }); // a local publisher: not rate-limited
    const stalled = connect(server.port, '127.0.0.1');
    stalled.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    using a = openEventSource(`${server.url}/stream`);
    using b = openEventSource(`${server.url}/stream`);
    await Promise.all([a.opened, b.opened]);
    await until(() => server.service.hub.stats().clients === 3, WAIT_MS, 'three clients');
    const message = 'x'.repeat(4000);
    const total = 2000; // 8 MB each: more than the kernel buffers of the stalled socket hold
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => post(`${server.url}/api/push`, { message })));
    }
    // Were the readers held back by the stalled one, they would stop short of `total`: the bound is
    // only how long to wait for that, generous for a loaded machine.
    await until(
      () => a.messages.length === total && b.messages.length === total,
      45_000,
      () =>
        `every message at both readers (a ${a.messages.length}, b ${b.messages.length}, hub ${JSON.stringify(server.service.hub.stats())})`,
    );
    const stats = server.service.hub.stats();
    expect(stats.dropped).toBeGreaterThan(0); // the stalled client lost frames, and only it
    expect(stats.queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
    stalled.destroy();
  }, 90_000);
});
