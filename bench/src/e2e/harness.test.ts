// The end-to-end harness against the real servers, tiny: every published event reaches every
// connection, counted by the receiver processes, and latency stamps come back.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoad, type Load } from './load.js';
import { checkNchan } from './nchan.js';
import { delivery, type ScenarioContext, warmup } from './scenarios.js';
import { type ServerName, startServer, WEBSTREAM_CLI } from './servers.js';

const SIZES: ScenarioContext['sizes'] = {
  size: 100,
  warmup: 5,
  stallMs: 3000,
  burst: { connections: 4, messages: 20, inFlight: [2] },
  steady: { connections: 4, rate: 200, seconds: 0.2, inFlight: 2 },
  idle: { connections: 4, settleMs: 0 },
  scale: { connections: [4], deliveries: 80, inFlight: 2 },
  publishRate: { publishers: 2, seconds: 0.2 },
};

const nchan = checkNchan();

describe('end-to-end harness', () => {
  let load: Load;
  let ctx: ScenarioContext;
  beforeAll(async () => {
    load = await createLoad(2, []);
    ctx = { load, sizes: SIZES, loadCores: 1, serverCore: null, start: () => Promise.reject(new Error('unused')) };
  });
  afterAll(() => load?.stop());

  it('has the webstream binary built (pnpm build)', () => {
    expect(existsSync(WEBSTREAM_CLI)).toBe(true);
  });

  // nchan only where nginx-light and libnginx-mod-nchan are installed (as for `pnpm bench`).
  const servers: ServerName[] = ['webstream', 'node:http', 'better-sse', ...(nchan.ok ? (['nchan'] as const) : [])];
  it.each(servers)('delivers every event to every connection of %s, with latency stamps', async (name) => {
    const server = await startServer(name, {
      core: null,
      connections: 5,
      webstreamArgs: ['--rate-limit', '1000000', '--rate-burst', '1000000'],
    });
    try {
      await load.connect(server, 5);
      await warmup(ctx, server, 5);
      const burst = await delivery(ctx, server, { inFlight: 2, count: 20, message: (i) => `~${i}:payload` });
      expect(burst.notes).toEqual([]);
      expect(burst.metrics.events).toBe(100);
      expect(burst.metrics.evPerSec).toBeGreaterThan(0);
      expect(burst.metrics.bytesPerEvent).toBeGreaterThan(20);

      const steady = await delivery(
        ctx,
        server,
        { inFlight: 2, count: 10, rate: 200, message: (_i, sendMs) => `~T${sendMs.toFixed(3)};payload` },
        true,
      );
      expect(steady.metrics.events).toBe(50);
      expect(steady.metrics.p50).toBeGreaterThan(0);
      expect(steady.metrics.p99).toBeLessThan(5000);
    } finally {
      await load.disconnect();
      await server.stop();
    }
  });
});
