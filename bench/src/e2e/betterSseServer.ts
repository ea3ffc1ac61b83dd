// Child process: better-sse, one channel, broadcast per POST /api/push (same JSON body as webstream's).
// Identity serializer and an explicit id, so the library does no extra work per event.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannel, createSession } from 'better-sse';

const channel = createChannel();
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/stream')) {
    void createSession(req, res, { serializer: (d: unknown) => d as string, keepAlive: 15_000 }).then((s) =>
      channel.register(s),
    );
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
    channel.broadcast(`[${new Date().toISOString()}] ${message}`, 'message', { eventId: String(id) });
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ status: 'success', id, clients: channel.sessionCount }));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
