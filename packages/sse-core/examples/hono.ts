// The same hub behind a Hono route (Fetch adapter): `pnpm --filter @ws/sse-core exec tsx examples/hono.ts`.
//   curl -N 'http://127.0.0.1:8000/stream?channel=news'
//   curl -X POST -H 'content-type: application/json' -d '{"message":"hi","channel":"news"}' http://127.0.0.1:8000/api/push
import { serve } from '@hono/node-server';
import { createHub, createSseResponse } from '@ws/sse-core';
import { Hono } from 'hono';

const hub = createHub();
const app = new Hono();

// `query: true`: ?channel=, ?type=, ?format=, ?replay= and ?lastEventId= are read for us; a bad one gets a 400.
app.get('/stream', (c) => createSseResponse(hub, c.req.raw, { query: true }).response);
app.post('/api/push', async (c) => {
  const body = await c.req.json<{ message?: unknown; channel?: string }>().catch(() => ({}) as { message?: unknown });
  if (typeof body.message !== 'string' || body.message === '') {
    return c.json({ error: '"message" must be a non-empty string' }, 400);
  }
  const channel = 'channel' in body ? body.channel : undefined;
  // Any JSON value: the hub serializes it once (JSON.stringify unless you pass a `serializer`).
  const { event, queued } = await hub.publish({ data: { message: body.message }, channel });
  return c.json({ id: event.id, clients: queued });
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 8000) }, (info) =>
  console.error(`SSE example (Hono) on http://127.0.0.1:${info.port}/stream`),
);
