import type { Handler } from 'hono';
import type { AppEnv } from '../appEnv.js';
import { publisherOf } from '../appEnv.js';
import { problem } from '../problem.js';
import type { Credential } from '../security/auth.js';
import type { AuthGate } from '../security/authGate.js';
import type { ClientRegistry } from '../stream/clientRegistry.js';
import { type ConnectionCaps, capRefusal } from '../stream/connectionCaps.js';
import { parseStreamQuery } from '../stream/streamRoute.js';
import { UPGRADED_HEADER } from './upgradeListener.js';
import type { WsEndpoint } from './wsEndpoint.js';
import { openWsSession, type WsSessionDeps } from './wsSession.js';

/** What {@link createWsRoute} needs. */
export interface WsRouteDeps extends ConnectionCaps {
  endpoint: WsEndpoint;
  gate: AuthGate;
  clients: ClientRegistry;
  session: Omit<WsSessionDeps, 'clients' | 'publisher' | 'principal' | 'canPublish'>;
  config: ConnectionCaps['config'] & { historySize: number };
}

/** Credentials an upgrade may carry: a browser's `WebSocket` sends cookies but no headers, so also `?ticket=`. */
const ACCEPT: readonly Credential[] = ['bearer', 'cookie', 'ticket'];

/** The resume id (`?lastEventId=`, else a `Last-Event-ID` header); an error saying what to fix. */
function resumeId(query: string | undefined, header: string | undefined): { id?: string; error?: string } {
  const id = query ?? header;
  if (id === undefined || id === '') return {};
  if (id.length > 256 || /[\r\n\0]/.test(id)) {
    return { error: 'lastEventId must be an event id the server sent (at most 256 characters)' };
  }
  return { id };
}

/**
 * `GET /ws`. Checked like `/stream`, in an order that spends nothing on a refused request: the
 * query (400), the credential and its scope over the query's channels (401, 403; a ticket is only
 * checked), the caps shared with `/stream` (429, 503); a request without an upgrade gets 426. Then the ticket is spent and the handshake
 * completed; the socket is served by {@link openWsSession}.
 */
export function createWsRoute(deps: WsRouteDeps): Handler<AppEnv> {
  const { endpoint, gate, clients, config } = deps;
  return async (c) => {
    if (c.req.query('format') !== undefined) {
      return problem(
        c,
        400,
        'format does not apply to /ws: its messages are JSON (the ?format=json envelope in each event)',
      );
    }
    const parsed = parseStreamQuery(c, config.historySize);
    if (!parsed.ok) return problem(c, 400, parsed.error);
    const resume = resumeId(c.req.query('lastEventId'), c.req.header('last-event-id'));
    if (resume.error) return problem(c, 400, resume.error);
    // 401 without a credential (unless the channels allow anonymous subscribers), 403 outside the token's claims.
    const decision = await gate.authorize(c, 'subscribe', parsed.query.channels, ACCEPT);
    if (!decision.ok) return gate.refuse(c, decision);
    const { credential, principal } = decision;
    const refused = capRefusal(c, deps);
    if (refused) return refused;
    const { incoming, upgrade } = c.env ?? {};
    if (!incoming || !upgrade || c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      c.header('Upgrade', 'websocket');
      return problem(c, 426, 'GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)');
    }
    if (credential === 'ticket' && !gate.redeemTicket(c)) {
      return gate.refuse(c, { status: 401, message: 'the ticket was spent or expired meanwhile; get a new one' });
    }
    c.set('credential', credential === 'anonymous' ? 'none' : credential);
    c.set('principal', principal);
    const publisher = publisherOf(c);
    // What POST /api/push takes: the token, a JWT (within its publish claim), the session cookie; auth off: anyone.
    const canPublish = credential !== 'ticket' && credential !== 'anonymous';
    const { channels, types, replay } = parsed.query;
    const { address } = c.get('client');
    endpoint.accept(incoming, upgrade, (ws, socket) =>
      openWsSession(
        ws,
        socket,
        { ...deps.session, clients, publisher, principal, canPublish },
        {
          channels,
          types,
          replay,
          lastEventId: resume.id,
          address,
        },
      ),
    );
    return new Response(null, { headers: { [UPGRADED_HEADER]: '1' } });
  };
}
