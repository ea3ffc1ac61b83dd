// Child process for the end-to-end benchmark: a server that takes POST /api/push and streams at /stream.
// 'node:http' is the naive baseline (parse, frame, loop over a Set); 'webstream' is the real server.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigSchema, createLogger, startServer } from '@ws/mcp-server';

const name = process.argv[2];
const send = (msg: object) => process.send?.(msg);

async function rawServer(): Promise<{ port: number; clients: () => number }> {
  const clients = new Set<ServerResponse>();
  let seq = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/stream')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(': ok\n\n');
      clients.add(res);
      res.on('close', () => clients.delete(res));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const { message } = JSON.parse(body) as { message: string };
      const id = ++seq;
      const timestamp = new Date().toISOString();
      const frame = Buffer.from(`id: ${id}\ndata: [${timestamp}] ${message}\n\n`);
      for (const c of clients) c.write(frame);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'success', id, timestamp, clients: clients.size }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, clients: () => clients.size };
}

async function webstreamServer(): Promise<{ port: number; clients: () => number }> {
  const [, , , redis, redisStream] = process.argv;
  const config = ConfigSchema.parse({
    ...(redis ? { redis, redisStream } : {}),
    port: 0,
    logLevel: 'warn',
    rateLimit: 1e9,
    rateBurst: 1e9,
    maxConnectionsPerClient: 100_000,
  });
  const running = await startServer(config, createLogger('warn'));
  return { port: running.port, clients: () => running.service.hub.stats().clients };
}

const gc = (globalThis as { gc?: () => void }).gc;
const started = name === 'node:http' ? rawServer() : webstreamServer();
started.then(({ port, clients }) => {
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'mem') {
      gc?.();
      const m = process.memoryUsage();
      send({ type: 'mem', heap: m.heapUsed, external: m.external, rss: m.rss, clients: clients() });
    }
    if (msg.type === 'exit') process.exit(0);
  });
  send({ type: 'ready', port });
});
