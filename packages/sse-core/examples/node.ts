// A real SSE endpoint on plain node:http: `pnpm example` from the repository root runs it.
//   curl -N 'http://127.0.0.1:8000/stream?channel=news'
//   curl -X POST -H 'content-type: application/json' -d '{"message":"hi","channel":"news","priority":"high"}' http://127.0.0.1:8000/api/push
import { createServer } from 'node:http';
import { createHub } from '@ws/sse-core';
import { handleSseRequest } from '@ws/sse-core/node';

const hub = createHub();
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);

const server = createServer((req, res) => {
  const path = req.url?.split('?')[0];
  if (req.method === 'GET' && path === '/stream') {
    // `query: true`: ?channel=, ?type=, ?format=, ?replay= and ?lastEventId= are read for us;
    // a bad value (say ?replay=-1) is answered 400 with what to fix.
    handleSseRequest(hub, req, res, { query: true });
    return;
  }
  if (req.method === 'POST' && path === '/api/push') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', async () => {
      try {
        const { message, channel, priority } = JSON.parse(body) as {
          message?: unknown;
          channel?: string;
          priority?: unknown;
        };
        if (typeof message !== 'string' || message === '') throw new Error('"message" must be a non-empty string');
        if (priority !== undefined && priority !== 'normal' && priority !== 'high') {
          throw new Error('"priority" must be "normal" or "high"');
        }
        // Any JSON value: the hub serializes it once (JSON.stringify unless you pass a `serializer`).
        const { event, queued } = await hub.publish({ data: { message }, channel, priority });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: event.id, clients: queued }));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('try GET /stream or POST /api/push\n');
});

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `port ${port} is in use; set PORT=<n>` : error);
  process.exit(1);
});
server.listen(port, host, () => console.error(`SSE example on http://${host}:${port}/stream`));
