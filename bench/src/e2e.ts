// End to end: HTTP POST /api/push → server → 1000 SSE clients, for the naive node:http server and webstream.
import { Agent, request } from 'node:http';
import { now } from './clock.js';
import { type Child, spawnChild } from './ipc.js';

export interface E2eResult {
  name: string;
  throughput: number[];
  latency: { p50: number; p99: number; count: number };
}

function publisher(port: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return (message: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ message });
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/push',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`push answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What to run: the naive server, webstream in memory, or several webstream instances on one Redis stream. */
export interface E2eSetup {
  name: string;
  server: 'node:http' | 'webstream';
  instances?: number;
  redis?: { url: string; stream: string };
}

export async function measureE2e(
  setup: E2eSetup,
  opts: { connections: number; events: number; reps: number; rate: number; steadyMs: number; size: number },
): Promise<E2eResult> {
  const count = setup.instances ?? 1;
  const args = [setup.server, ...(setup.redis ? [setup.redis.url, setup.redis.stream] : [])];
  const servers: Child[] = Array.from({ length: count }, () => spawnChild('./e2eServer.ts', args));
  const client: Child = spawnChild('./clientProcess.ts');
  const ports = await Promise.all(servers.map(async (s) => (await s.next<{ port: number }>('ready')).port));
  await client.next('ready');
  try {
    const share = Math.floor(opts.connections / count);
    for (const port of ports) await client.ask({ type: 'connect', port, n: share }, 'connected');
    for (const s of servers) {
      for (let i = 0; i < 400; i++) {
        if ((await s.ask<{ clients: number }>({ type: 'mem' }, 'mem')).clients >= share) break;
        await sleep(50);
      }
    }
    const total = share * count;
    // Pushes go round-robin over the instances, as through a load balancer.
    const publishers = ports.map((port) => publisher(port, 8));
    let turn = 0;
    const push = (message: string) => (publishers[turn++ % publishers.length] as (m: string) => Promise<void>)(message);
    const payload = `~${'x'.repeat(opts.size - 1)}`;
    const once = async (events: number) => {
      await client.ask({ type: 'expect', total: events * total }, 'expecting');
      const done = client.next<{ at: number }>('done');
      const start = now();
      let next = 0;
      // Eight publishers in flight, like eight producers posting at once.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < events) {
            next++;
            await push(payload);
          }
        }),
      );
      const { at } = await done;
      return (events * total) / ((at - start) / 1000);
    };
    await once(100);
    const throughput: number[] = [];
    for (let r = 0; r < opts.reps; r++) throughput.push(await once(opts.events));

    await client.ask({ type: 'latency' }, 'latency-on');
    const steady = Math.round((opts.rate * opts.steadyMs) / 1000);
    const t0 = now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < steady; i++) {
      const wait = t0 + (i * 1000) / opts.rate - now();
      if (wait > 0) await sleep(wait);
      const head = `~T${now().toFixed(3)};`;
      pending.push(push(head + 'x'.repeat(Math.max(opts.size - head.length, 0))));
    }
    await Promise.all(pending);
    await sleep(300);
    const latency = await client.ask<E2eResult['latency']>({ type: 'latency-report' }, 'latency-report');
    return { name: setup.name, throughput, latency };
  } finally {
    await client.ask({ type: 'close' }, 'closed').catch(() => undefined);
    client.proc.kill();
    for (const s of servers) s.proc.send({ type: 'exit' });
    await sleep(100);
    for (const s of servers) s.proc.kill();
  }
}
