// The load side: receiver processes pinned to the load cores, sharing the connections among them.
import { type Child, spawnChild } from '../ipc.js';
import { monoMs } from './clock.js';
import type { HistogramData } from './histogram.js';
import { cpuSeconds, pin } from './proc.js';
import type { ReceiverCommand } from './receiver.js';
import type { RunningServer } from './servers.js';

/** Merged figures of all receivers. */
export interface Delivery {
  events: number;
  bytes: number;
  /** Connections the server closed during the run. */
  closed: number;
  /** Fewest and most events any one connection got. */
  min: number;
  max: number;
  latency: HistogramData[];
}

/** What waiting for a delivery found. */
export interface Waited {
  /** Monotonic ms at which the last receiver had everything, or of the last progress when it stalled. */
  at: number;
  events: number;
  complete: boolean;
}

/** The receiver processes. */
export interface Load {
  /** Opens `n` SSE connections to the server, split over the receivers; throws if any fails. */
  connect(server: RunningServer, n: number): Promise<void>;
  /** Zeroes the counters; `stamps` turns on latency reading. */
  reset(stamps: boolean): Promise<void>;
  /**
   * Arms the receivers to note the moment every connection has `perConnection` events (arm before
   * publishing). The returned wait resolves then, or when nothing has arrived for `stallMs`.
   */
  arm(perConnection: number): Promise<(stallMs: number) => Promise<Waited>>;
  report(): Promise<Delivery>;
  /** CPU seconds used so far by the receivers and this process. */
  cpuSeconds(): number;
  /** Closes every connection (the receivers stay up). */
  disconnect(): Promise<void>;
  stop(): void;
}

const ask = <T>(child: Child, msg: ReceiverCommand, timeoutMs = 300_000) => child.ask<T>(msg, msg.type, timeoutMs);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawns `count` receivers, each pinned to one of `cores` in turn (no pinning when `cores` is empty). */
export async function createLoad(count: number, cores: string[]): Promise<Load> {
  const receivers = Array.from({ length: count }, () => spawnChild('./e2e/receiver.ts'));
  await Promise.all(receivers.map((r) => r.next('ready')));
  receivers.forEach((r, i) => {
    const core = cores[i % Math.max(1, cores.length)];
    if (core !== undefined) pin(r.proc.pid as number, core);
  });
  let shares: number[] = receivers.map(() => 0);
  const selfCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };

  const progress = async () =>
    (await Promise.all(receivers.map((r) => ask<{ events: number }>(r, { type: 'progress' })))).reduce(
      (sum, p) => sum + p.events,
      0,
    );

  return {
    async connect(server, n) {
      shares = receivers.map((_, i) => Math.floor(n / count) + (i < n % count ? 1 : 0));
      const results = await Promise.all(
        receivers.map((r, i) =>
          ask<{ ok: number; failed: number; error: string }>(r, {
            type: 'connect',
            port: server.port,
            path: server.streamPath,
            n: shares[i] as number,
            concurrency: 128,
          }),
        ),
      );
      const failed = results.reduce((s, r) => s + r.failed, 0);
      if (failed > 0) throw new Error(`${server.name}: ${failed} of ${n} connections failed (${results[0]?.error})`);
    },
    async reset(stamps) {
      await Promise.all(receivers.map((r) => ask(r, { type: 'reset', stamps })));
    },
    async arm(perConnection) {
      let remaining = receivers.length;
      let at = 0;
      const onDone = (msg: { type: string; at: number }) => {
        if (msg.type !== 'done') return;
        remaining--;
        at = Math.max(at, msg.at);
      };
      for (const r of receivers) r.proc.on('message', onDone);
      await Promise.all(
        receivers.map((r, i) => ask(r, { type: 'expect', total: (shares[i] as number) * perConnection })),
      );
      return async (stallMs) => {
        try {
          let last = -1;
          let lastChange = performance.now();
          let lastAt = 0;
          while (remaining > 0) {
            await sleep(50);
            const events = await progress();
            if (events !== last) {
              last = events;
              lastChange = performance.now();
              lastAt = monoMs();
            } else if (performance.now() - lastChange > stallMs) return { at: lastAt, events, complete: false };
          }
          return { at, events: await progress(), complete: true };
        } finally {
          for (const r of receivers) r.proc.off('message', onDone);
          // Disarm whatever is still armed, so a late 'done' cannot leak into the next wait.
          await Promise.all(receivers.map((r) => ask(r, { type: 'expect', total: -1 })));
        }
      };
    },
    async report() {
      const parts = await Promise.all(
        receivers.map((r) => ask<Delivery & { latency: HistogramData }>(r, { type: 'report' })),
      );
      return {
        events: parts.reduce((s, p) => s + p.events, 0),
        bytes: parts.reduce((s, p) => s + p.bytes, 0),
        closed: parts.reduce((s, p) => s + p.closed, 0),
        min: Math.min(...parts.map((p) => p.min)),
        max: Math.max(...parts.map((p) => p.max)),
        latency: parts.map((p) => p.latency),
      };
    },
    cpuSeconds: () => receivers.reduce((s, r) => s + cpuSeconds(r.proc.pid as number), 0) + selfCpu(),
    async disconnect() {
      await Promise.all(receivers.map((r) => ask(r, { type: 'close' })));
    },
    stop() {
      for (const r of receivers) r.proc.kill();
    },
  };
}
