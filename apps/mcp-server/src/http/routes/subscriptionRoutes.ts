import { ChannelSchema, SubscriptionChangeSchema, type SubscriptionState } from '@ws/events';
import { type Hub, SseError, type SubscriptionChange } from '@ws/sse-core';
import type { Hono } from 'hono';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem } from '../problem.js';
import { forbidden, type Principal } from '../security/access.js';
import { subscribeDenied } from '../security/subscribeScope.js';
import type { ClientInfo, ClientRegistry } from '../stream/clientRegistry.js';
import { MAX_CHANNELS_PER_CONNECTION } from '../stream/connectionCaps.js';
import { issuesOf } from './pushRoutes.js';

/** What {@link registerSubscriptionRoutes} needs. */
export interface SubscriptionRouteDeps {
  hub: Hub;
  clients: ClientRegistry;
  /** Largest request body (`--max-body-bytes`). */
  maxBodyBytes: number;
}

const list = (filter: ReadonlySet<string> | null): string[] | null => (filter === null ? null : [...filter]);

/** A connection's filters as the API shows them: `null` is every channel (or type), `[]` none. */
export const stateOf = ({ id, transport, subscriber }: ClientInfo): SubscriptionState => ({
  connectionId: id,
  transport,
  channels: list(subscriber.channels),
  types: list(subscriber.types),
});

/**
 * Whether `requester` may read or change connection `info`; the 403 message if not. A principal
 * that may subscribe to every channel (auth off, the shared token, its cookie, a JWT claiming `*`)
 * owns every connection; a scoped one only those opened with its own subject.
 */
function notYours(requester: Principal, info: ClientInfo): string | undefined {
  if (!forbidden(requester, 'subscribe', [])) return undefined;
  const { subject } = requester;
  if (subject !== undefined && info.principal?.subject === subject) return undefined;
  return `connection ${info.id} was not opened with ${subject === undefined ? 'a subject' : `subject "${subject}"`}: a scoped token reads and changes only its own connections`;
}

/**
 * Whether `change` stays within what both the requester and the connection's own credential may
 * subscribe to (a live change never gives a connection channels its credential could not open).
 */
function changeDenied(requester: Principal, info: ClientInfo, change: SubscriptionChange): string | undefined {
  const own = info.principal && subscribeDenied(info.principal, change);
  return subscribeDenied(requester, change) ?? (own && `connection ${info.id}: ${own}`);
}

/** Connection ids per channel they name; `*`: those that receive every channel. */
function byChannel(clients: ClientRegistry): Record<string, number[]> {
  const channels: Record<string, number[]> = {};
  for (const { id, subscriber } of clients.list()) {
    for (const name of subscriber.channels ?? ['*']) {
      const ids = channels[name];
      if (ids) ids.push(id);
      else channels[name] = [id];
    }
  }
  return channels;
}

/**
 * Live subscriptions of `/stream` and `/ws` connections: `GET` and `POST
 * /connections/:id/subscriptions` (read, change), `GET /subscriptions` (connection ids per channel) and
 * `GET /subscriptions?channel=` (who receives a channel). Mounted under the API's credentials: with
 * the shared token (or a JWT claiming every channel) every holder owns every connection; a scoped JWT
 * reads and changes only the connections opened with its subject, and adds only channels that both
 * it and the connection's credential may subscribe to (403 otherwise). `GET /subscriptions` lists
 * every connection, so it needs access to every channel (the scope guard).
 */
export function registerSubscriptionRoutes(
  api: Hono<AppEnv>,
  { hub, clients, maxBodyBytes }: SubscriptionRouteDeps,
): void {
  const find = (raw: string) => (/^[1-9]\d{0,15}$/.test(raw) ? clients.get(Number(raw)) : undefined);
  const unknown = (raw: string) =>
    `no open connection ${JSON.stringify(raw)}: use the connectionId of a /stream "connected" event or a /ws "welcome" (GET /api/clients lists them)`;

  api.get('/connections/:id/subscriptions', (c) => {
    const info = find(c.req.param('id'));
    if (!info) return problem(c, 404, unknown(c.req.param('id')));
    const denied = notYours(c.get('principal'), info);
    return denied ? problem(c, 403, denied) : c.json(stateOf(info));
  });

  api.post('/connections/:id/subscriptions', async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes: maxBodyBytes,
      example: '{"add": {"channels": ["deploys"]}, "remove": {"types": ["info"]}}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
    const change = SubscriptionChangeSchema.safeParse(body.value);
    if (!change.success) return problem(c, 400, 'invalid subscription change', { issues: issuesOf(change.error) });
    const info = find(c.req.param('id'));
    if (!info) return problem(c, 404, unknown(c.req.param('id')));
    const denied = notYours(c.get('principal'), info) ?? changeDenied(c.get('principal'), info, change.data);
    if (denied) return problem(c, 403, denied);
    try {
      hub.updateSubscription(info.subscriber, change.data, MAX_CHANNELS_PER_CONNECTION);
    } catch (error) {
      if (!(error instanceof SseError)) throw error;
      if (error.code === 'closed') return problem(c, 404, unknown(c.req.param('id')));
      return problem(c, 400, error.message);
    }
    return c.json(stateOf(info));
  });

  api.get('/subscriptions', (c) => {
    const channel = c.req.query('channel');
    if (channel === undefined) return c.json({ channels: byChannel(clients) });
    const parsed = ChannelSchema.safeParse(channel);
    if (!parsed.success)
      return problem(c, 400, `invalid channel ${JSON.stringify(channel)}: ${parsed.error.issues[0]?.message}`);
    const connections = clients
      .list()
      .filter(({ subscriber: { channels } }) => channels === null || channels.has(channel))
      .map(stateOf);
    return c.json({ channel, connections });
  });
}
