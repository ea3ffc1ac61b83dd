// Volume: a stalled reader among fast ones, with 12 MB per reader. `pnpm test` runs it; `pnpm test:fast` does not.
import { connect } from 'node:net';
import { openEventSource, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { post, startTestServer, WAIT_MS } from '../helpers.js';

describe('POST /api/push → GET /stream under volume', () => {
  it('a client with a full socket buffer (never reading) does not delay the others', { timeout: 90_000 }, async () => {
    const maxQueueBytes = 512 * 1024;
    await using server = await startTestServer({ maxQueueBytes }); // a local publisher: not rate-limited
    const stalled = connect(server.port, '127.0.0.1');
    stalled.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    using a = openEventSource(`${server.url}/stream`);
    using b = openEventSource(`${server.url}/stream`);
    await Promise.all([a.opened, b.opened]);
    await until(() => server.service.hub.stats().clients === 3, WAIT_MS, 'three clients');
    // 12 MB to each reader, more than the kernel buffers of the stalled socket hold, in few requests.
    const message = 'x'.repeat(60_000);
    const total = 200;
    for (let i = 0; i < total; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => post(`${server.url}/api/push`, { message })));
    }
    // The others get everything while the stalled socket still has not read a byte: it delays no one.
    // (The bound only turns a hang into a failure; speed is measured by the benchmarks.)
    await until(
      () => a.messages.length === total && b.messages.length === total,
      60_000,
      () =>
        `every message at both readers (a ${a.messages.length}, b ${b.messages.length}, hub ${JSON.stringify(server.service.hub.stats())})`,
    );
    const stats = server.service.hub.stats();
    expect(stats.dropped).toBeGreaterThan(0); // the stalled client lost frames, and only it
    expect(stats.queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
    stalled.destroy();
  });
});
