// Child process: one contender on 127.0.0.1:0, driven over IPC by run.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './clock.js';
import { type ContenderName, createContender } from './contenders.js';

const name = process.argv[2] as ContenderName;
const contender = createContender(name);
const server = createServer((req, res) => contender.handle(req, res));
const send = (msg: object) => process.send?.(msg);
const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss, clients: contender.clients() };
}

const pad = (seq: number, size: number) => {
  const head = `~${seq}:`;
  return head + 'x'.repeat(Math.max(size - head.length, 0));
};

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'mem') send({ type: 'mem', ...memory() });
  if (msg.type === 'fanout') {
    // Publish `events` events of `size` bytes, `burst` per event-loop turn.
    const { events, size, burst } = msg as unknown as { events: number; size: number; burst: number };
    const start = now();
    for (let i = 0; i < events; ) {
      for (const end = Math.min(i + burst, events); i < end; i++) contender.publish(pad(i, size));
      await new Promise((r) => setImmediate(r));
    }
    send({ type: 'fanout', start, publishMs: now() - start });
  }
  if (msg.type === 'steady') {
    // Publish at a steady rate; each payload carries its send time for the latency measurement.
    const { rate, durationMs, size } = msg as unknown as { rate: number; durationMs: number; size: number };
    const total = Math.round((rate * durationMs) / 1000);
    const start = now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const head = `~T${now().toFixed(3)};`;
      contender.publish(head + 'x'.repeat(Math.max(size - head.length, 0)));
    }
    send({ type: 'steady', sent: total });
  }
  if (msg.type === 'exit') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});

server.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as AddressInfo).port, name });
});
