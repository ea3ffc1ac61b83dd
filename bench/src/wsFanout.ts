// `pnpm bench` suite `ws`: WebSocket fan-out beside SSE fan-out on the same webstream build, in the
// same run: delivered events/s for N connections x M messages, and the server's idle memory per
// connection. Receivers run in this process (see wsReceivers.ts); the server is the built binary.
import { monoMs } from './e2e/clock.js';
import { rssBytes } from './e2e/proc.js';
import { drive } from './e2e/publisher.js';
import { type RunningServer, startServer } from './e2e/servers.js';
import type { BenchOptions } from './options.js';
import { openReceivers, type Transport } from './wsReceivers.js';

/** What one transport measured (medians over the reps). */
export interface WsBenchRow {
  transport: Transport;
  evPerSec: number;
  idleKiBPerConnection: number;
  complete: boolean;
}

const TRANSPORTS: readonly Transport[] = ['sse', 'ws'];
const POLL_MS = 5;
const pad = (head: string, size: number) => head + 'x'.repeat(Math.max(size - head.length, 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Waits until `done()` or until nothing moved for `stallMs`; true when done. */
async function settle(progress: () => number, target: number, stallMs: number): Promise<boolean> {
  let last = -1;
  let lastChange = monoMs();
  while (progress() < target) {
    if (progress() !== last) {
      last = progress();
      lastChange = monoMs();
    } else if (monoMs() - lastChange > stallMs) return false;
    await sleep(POLL_MS);
  }
  return true;
}

async function withServer<T>(o: BenchOptions, connections: number, run: (s: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer('webstream', { core: null, connections, webstreamArgs: o.webstreamArgs });
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** Delivered events/s of one transport: first publish to the last event at every connection. */
function fanOut(o: BenchOptions, transport: Transport): Promise<{ evPerSec: number; complete: boolean }> {
  const { connections, messages } = o.sizes.burst;
  return withServer(o, connections, async (server) => {
    const receivers = await openReceivers(transport, server.port, connections);
    try {
      await sleep(200);
      receivers.reset();
      const message = (i: number) => pad(`~${i}:`, o.sizes.size);
      const target = connections * messages;
      const pub = await drive(server.publish, { inFlight: 4, count: messages, message });
      const complete = await settle(() => receivers.events, target, o.sizes.stallMs);
      const seconds = Math.max(monoMs() - pub.startMs, 1) / 1000;
      return { evPerSec: receivers.events / seconds, complete };
    } finally {
      receivers.close();
    }
  });
}

/** Server RSS per idle connection of one transport, in KiB. */
function idle(o: BenchOptions, transport: Transport): Promise<number> {
  const { connections, settleMs } = o.sizes.idle;
  return withServer(o, connections, async (server) => {
    await sleep(settleMs);
    const before = rssBytes(server.pid);
    const receivers = await openReceivers(transport, server.port, connections);
    try {
      await sleep(settleMs);
      return (rssBytes(server.pid) - before) / connections / 1024;
    } finally {
      receivers.close();
    }
  });
}

/** Runs the suite and prints its table. */
export async function runWsBench(o: BenchOptions): Promise<WsBenchRow[]> {
  const { connections, messages } = o.sizes.burst;
  console.log(
    `WebSocket beside SSE (webstream, receivers in the bench process, not pinned): fan-out ${connections} connections x ${messages} messages of ~${o.sizes.size} B, 4 publishes in flight; idle ${o.sizes.idle.connections} connections`,
  );
  const rows: WsBenchRow[] = [];
  for (const transport of TRANSPORTS) {
    const runs: { evPerSec: number; complete: boolean }[] = [];
    const idles: number[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
      runs.push(await fanOut(o, transport));
      idles.push(await idle(o, transport));
    }
    const row = {
      transport,
      evPerSec: median(runs.map((r) => r.evPerSec)),
      idleKiBPerConnection: median(idles),
      complete: runs.every((r) => r.complete),
    };
    rows.push(row);
    console.log(
      `  ${transport.padEnd(4)} ${Math.round(row.evPerSec).toLocaleString('en-US').padStart(12)} delivered ev/s   ${row.idleKiBPerConnection.toFixed(1).padStart(6)} KiB per idle connection${row.complete ? '' : '   (delivery incomplete)'}`,
    );
  }
  return rows;
}
