// Child process: the floor for a Node SSE server. Raw node:http, a Set of responses, each event
// serialized once into a Buffer and written to every response (one write each). POST /api/push takes
// the same JSON body as webstream's and frames `[timestamp] message` as webstream does.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  if (req.method !== 'POST' || req.url !== '/api/push') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    let message: unknown;
    try {
      message = (JSON.parse(body) as { message?: unknown }).message;
    } catch {
      message = undefined;
    }
    if (typeof message !== 'string') {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"message must be a string"}');
      return;
    }
    const id = ++seq;
    const frame = Buffer.from(`id: ${id}\ndata: [${new Date().toISOString()}] ${message}\n\n`);
    for (const c of clients) c.write(frame);
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ status: 'success', id, clients: clients.size }));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
