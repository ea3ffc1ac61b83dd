// `pnpm --filter @ws/bench bench:bridge [--clients 1000] [--messages 2000]`: the built webstream server
// with a NATS JetStream ingest bridge (real nats-server on 127.0.0.1:4222, a fresh stream), N SSE clients
// on raw sockets (the receiver processes of the end-to-end bench), M messages published to NATS:
// the rate at which bridged messages reach every client, from the first publish to the last delivery.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { monoMs } from './e2e/clock.js';
import { createLoad } from './e2e/load.js';
import { coreLayout } from './e2e/proc.js';
import { startServer } from './e2e/servers.js';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0`);
  return value;
}

async function main(): Promise<void> {
  const clients = arg('clients', 1000);
  const messages = arg('messages', 2000);
  const root = `wsbench${process.pid}x${Date.now().toString(36)}`;
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: root.toUpperCase(), subjects: [`${root}.>`] });
  // Not pinned: this scenario is about the bridge path, and the machine is shared.
  const cores = coreLayout(false);
  const bridge = {
    kind: 'nats',
    name: 'bench',
    url: '127.0.0.1:4222',
    ingest: { subjects: [`${root}.in`], stream: root.toUpperCase(), channel: 'bench', payload: 'text', prefetch: 256 },
  };
  const server = await startServer('webstream', {
    core: cores.server,
    connections: clients,
    webstreamArgs: ['--bridges', JSON.stringify([bridge])],
  });
  const load = await createLoad(cores.load.length || 1, cores.load);
  try {
    await load.connect(server, clients);
    await load.reset(false);
    const wait = await load.arm(messages);
    const js = jetstream(nc);
    const start = monoMs();
    for (let i = 0; i < messages; i += 100) {
      const batch = Array.from({ length: Math.min(100, messages - i) }, (_, j) =>
        js.publish(`${root}.in`, `message ${i + j}`, { msgID: `m${i + j}` }),
      );
      await Promise.all(batch);
    }
    const published = monoMs();
    const waited = await wait(10_000);
    const seconds = (waited.at - start) / 1000;
    const report = await load.report();
    console.log(
      `bridge ingest (NATS JetStream → webstream → ${clients} SSE clients): ${messages} messages published in ${((published - start) / 1000).toFixed(2)} s; ` +
        `every client had every message after ${seconds.toFixed(2)} s: ${Math.round(messages / seconds)} messages/s ingested, ` +
        `${Math.round((messages * clients) / seconds)} events/s delivered` +
        (waited.complete
          ? ''
          : ` (INCOMPLETE: ${report.events} of ${messages * clients} events, min ${report.min} per client)`),
    );
  } finally {
    await load.disconnect().catch(() => undefined);
    load.stop();
    await server.stop();
    await jsm.streams.delete(root.toUpperCase()).catch(() => undefined);
    await nc.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
