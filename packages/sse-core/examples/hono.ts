// The same hub behind a Hono route (Fetch adapter): `pnpm --filter @ws/sse-core exec tsx examples/hono.ts`.
import { serve } from '@hono/node-server';
import { createHub, createSseResponse } from '@ws/sse-core';
import { Hono } from 'hono';

const hub = createHub();
const app = new Hono();

app.get('/stream', (c) => createSseResponse(hub, c.req.raw, { channels: c.req.queries('channel') }));
app.post('/api/push', async (c) => {
  const body = await c.req.json<{ message?: unknown; channel?: string }>().catch(() => ({}) as { message?: unknown });
  if (typeof body.message !== 'string' || body.message === '') {
    return c.json({ error: '"message" must be a non-empty string' }, 400);
  }
  const event = await hub.publish({ data: body.message, channel: 'channel' in body ? body.channel : undefined });
  return c.json({ id: event.id });
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 8000) }, (info) =>
  console.error(`SSE example (Hono) on http://127.0.0.1:${info.port}/stream`),
);
