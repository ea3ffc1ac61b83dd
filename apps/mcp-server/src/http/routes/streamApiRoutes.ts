import { ChannelSchema } from '@ws/events';
import type { Context, Hono } from 'hono';
import { isEventLogId, readEventLog } from '../../stream/eventLog.js';
import type { StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { problem, unavailable } from '../problem.js';
import type { ClientRegistry } from '../stream/clientRegistry.js';

/** What the stream has and who listens: `GET /stats`, `GET /history`, `GET /clients`, `DELETE /clients/:id`. */
export function registerStreamApiRoutes(
  api: Hono<AppEnv>,
  { service, clients }: { service: StreamService; clients: ClientRegistry },
): void {
  api.get('/stats', (c) => c.json(service.status()));

  api.get('/history', async (c) => {
    const after = c.req.query('after');
    if (after !== undefined) return historyAfter(c, service, after);
    const channel = c.req.query('channel');
    const limit = Number(c.req.query('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return problem(c, 400, 'limit must be an integer from 1 to 1000');
    if (channel !== undefined && !ChannelSchema.safeParse(channel).success)
      return problem(c, 400, `invalid channel ${JSON.stringify(channel)}`);
    try {
      return c.json({ messages: await service.history({ channel, limit }) });
    } catch (error) {
      const refused = unavailable(c, error, 'history not available');
      if (refused) return refused;
      throw error;
    }
  });

  api.get('/clients', (c) =>
    c.json({
      clients: clients
        .list()
        .map(({ subscriber, principal: _principal, ...info }) => ({ ...info, queuedBytes: subscriber.queuedBytes })),
    }),
  );

  api.delete('/clients/:id', (c) => {
    const info = clients.get(Number(c.req.param('id')));
    if (!info) return problem(c, 404, `no connected client ${c.req.param('id')}`);
    info.subscriber.close('server');
    return c.json({ status: 'disconnected', id: info.id });
  });
}

/** `GET /history?after=<id>`: every retained message after the id (all channels), and the gap reason if any. */
async function historyAfter(c: Context<AppEnv>, service: StreamService, after: string) {
  if (!isEventLogId(after))
    return problem(c, 400, `after must be an event id (<ms>-<seq>), got ${JSON.stringify(after)}`);
  try {
    const { events, gap } = await readEventLog(service, { after });
    return c.json({ messages: events, ...(gap ? { gap } : {}) });
  } catch (error) {
    const refused = unavailable(c, error, 'history not available');
    if (refused) return refused;
    throw error;
  }
}
