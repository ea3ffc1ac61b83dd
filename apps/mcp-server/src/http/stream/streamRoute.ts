import { ChannelSchema, MessageTypeSchema, type StreamConnected } from '@ws/events';
import { type Connection, createSseResponse, SSE_HEADERS } from '@ws/sse-core';
import { handleSseRequest } from '@ws/sse-core/node';
import type { Context, Handler } from 'hono';
import type { StreamFormat, StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import type { Credential } from '../security/auth.js';
import type { AuthGate } from '../security/authGate.js';
import type { ClientRegistry } from './clientRegistry.js';
import { capRefusal, MAX_CHANNELS_PER_CONNECTION } from './connectionCaps.js';

/** What {@link createStreamRoute} needs. */
export interface StreamRouteDeps {
  service: StreamService;
  gate: AuthGate;
  clients: ClientRegistry;
  /** Config: `historySize` bounds `?replay`, the caps bound connections. */
  config: { historySize: number; maxConnections: number; maxConnectionsPerClient: number };
  /** CORS headers for this request's origin (none if it is not allowlisted). */
  corsHeaders: (c: Context<AppEnv>) => Record<string, string>;
}

/** The validated query of a `/stream` request. */
export interface StreamQuery {
  channels: string[];
  types: string[];
  format: StreamFormat;
  replay: number | undefined;
}

const ACCEPT: readonly Credential[] = ['bearer', 'cookie', 'ticket'];

/**
 * The named event every `/stream` connection gets first ({@link StreamConnected}): `{"connectionId":
 * N, "connection": "<instance>.<N>", "subject"?, "ackKey"}`: the id the subscription API takes, who
 * it is, and the key its acknowledgements carry.
 */
export const CONNECTED_EVENT = 'connected';

/** Validates `channel`, `type`, `format` and `replay`; the error says what to fix. */
export function parseStreamQuery(
  c: Context<AppEnv>,
  historySize: number,
): { ok: true; query: StreamQuery } | { ok: false; error: string } {
  const channels = c.req.queries('channel') ?? [];
  const types = c.req.queries('type') ?? [];
  if (channels.length > MAX_CHANNELS_PER_CONNECTION)
    return { ok: false, error: `at most ${MAX_CHANNELS_PER_CONNECTION} channel parameters per connection` };
  for (const ch of channels) {
    const r = ChannelSchema.safeParse(ch);
    if (!r.success) return { ok: false, error: `invalid channel ${JSON.stringify(ch)}: ${r.error.issues[0]?.message}` };
  }
  for (const t of types) {
    if (!MessageTypeSchema.safeParse(t).success) {
      return {
        ok: false,
        error: `invalid type ${JSON.stringify(t)}: use one of ${MessageTypeSchema.options.join(', ')}`,
      };
    }
  }
  const format = c.req.query('format') ?? 'text';
  if (format !== 'text' && format !== 'json') return { ok: false, error: 'format must be "text" (default) or "json"' };
  const replayRaw = c.req.query('replay');
  const replay = replayRaw === undefined ? undefined : Number(replayRaw);
  if (replay !== undefined && !(Number.isInteger(replay) && replay >= 0 && replay <= historySize)) {
    return { ok: false, error: `replay must be an integer from 0 to ${historySize} (the history size)` };
  }
  return { ok: true, query: { channels, types, format, replay } };
}

/**
 * `GET /stream`. Checks in an order that spends nothing on a refused request: the query (400), the
 * credential (401; a ticket is only checked), the per-address cap (429) and the hub's cap (503, JSON,
 * both with Retry-After); then spends the ticket and subscribes. `HEAD` answers the stream's headers.
 */
export function createStreamRoute(deps: StreamRouteDeps): Handler<AppEnv> {
  const { service, gate, clients, config } = deps;
  return async (c) => {
    const parsed = parseStreamQuery(c, config.historySize);
    if (!parsed.ok) return problem(c, 400, parsed.error);
    // 401 without a credential (unless the channels allow anonymous subscribers), 403 outside the token's claims.
    const decision = await gate.authorize(c, 'subscribe', parsed.query.channels, ACCEPT);
    if (!decision.ok) return gate.refuse(c, decision);
    const { credential } = decision;
    const refused = capRefusal(c, deps);
    if (refused) return refused;
    const headers = deps.corsHeaders(c);
    // Hono routes HEAD to GET handlers and drops the body; a HEAD must not open a subscription.
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
    if (credential === 'ticket' && !gate.redeemTicket(c)) {
      return gate.refuse(c, { status: 401, message: 'the ticket was spent or expired meanwhile; get a new one' });
    }
    const { query } = parsed;
    const { address } = c.get('client');
    const options = { ...query, headers };
    // A connection whose client left at once comes back closed: it would never leave the registry.
    const track = (connection: Connection | undefined) => {
      if (!connection || connection.closed) return;
      clients.add(connection, { format: query.format, address, principal: decision.principal });
      // The first event: the id the subscription API takes, who this connection is, and the key its
      // acknowledgements carry (a private frame: no `id:`).
      const identity = service.deliveries.identities.register(connection, decision.principal.subject);
      const connected: StreamConnected = { connectionId: connection.id, ...identity };
      connection.send({ type: CONNECTED_EVENT, data: connected });
    };
    const { incoming, outgoing } = c.env ?? {};
    if (incoming && outgoing) {
      // On Node, write straight to the socket (the fastest path); @hono/node-server then leaves the response alone.
      track(handleSseRequest(service.hub, incoming, outgoing, options));
      return new Response(null, { headers: { 'x-hono-already-sent': '1' } });
    }
    const { response, connection } = createSseResponse(service.hub, c.req.raw, options);
    track(connection);
    return response;
  };
}
