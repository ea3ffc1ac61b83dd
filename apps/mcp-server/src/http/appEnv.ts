import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { Publisher } from '../limits/publishPolicy.js';
import type { Principal } from './security/access.js';
import type { Credential } from './security/auth.js';
import type { ClientAddress } from './security/clientAddress.js';
import type { WsUpgrade } from './ws/wsEndpoint.js';

/** The Hono environment of the app: the Node request/response when on Node (or the upgrade's socket), and per-request variables. */
export type AppEnv = {
  /** `upgrade`: the socket of a WebSocket upgrade (only `GET /ws` takes it). */
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse; upgrade?: WsUpgrade };
  Variables: {
    /** How the request authenticated (`none` when auth is off). Set by the auth gate. */
    credential: Credential | 'none';
    /** Who the request is and the channels it may use. Set by the auth gate. */
    principal: Principal;
    /** The client, resolved once per request (socket address, or forwarded through a trusted proxy). */
    client: ClientAddress;
  };
};

/** The publisher behind a request: its client address and whether it proved the token. */
export function publisherOf(c: Context<AppEnv>): Publisher {
  const credential = c.get('credential');
  const principal = c.get('principal') as Principal | undefined;
  return {
    ...c.get('client'),
    authenticated: credential === 'bearer' || credential === 'cookie',
    subject: principal?.subject,
    publish: principal?.publish,
  };
}
