// Child process: `n` webstream processes behind one port with node:cluster (the primary accepts and
// hands connections to the workers in turn). Every worker runs the real binary with the same
// arguments; they share events through the Redis bus (`--redis`), so each gets every publish.
// Usage: node clusterLauncher.js <n> <cli.js> [webstream arguments...]. Prints
// `cluster of <n> listening on http://127.0.0.1:<port>` once every worker listens; SIGINT and
// SIGTERM stop the workers (each shuts down as the binary does) and then the primary.
import cluster from 'node:cluster';
import { webstreamNodeFlags } from './servers.js';

const [count, cli, ...args] = process.argv.slice(2);
const n = Number(count);
if (!cli || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: clusterLauncher <processes> <cli.js> [webstream arguments]\n');
  process.exit(2);
}

// The workers run the binary with its own node flags, not this script's (`--import tsx`).
cluster.setupPrimary({ exec: cli, args, execArgv: webstreamNodeFlags(cli) });
let listening = 0;
cluster.on('listening', (_worker, address) => {
  listening++;
  if (listening !== n) return;
  const host = address.address?.includes(':') ? `[${address.address}]` : (address.address ?? '127.0.0.1');
  process.stderr.write(`cluster of ${n} listening on http://${host}:${address.port}\n`);
});
cluster.on('exit', (worker, code) => {
  if (!stopping) process.stderr.write(`worker ${worker.process.pid} exited with ${code}\n`);
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
});
let stopping = false;
const stop = () => {
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGINT');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (let i = 0; i < n; i++) cluster.fork();
