import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import { type Access, type AccessDecision, type Action, forbidden } from './access.js';
import type { Auth, Credential } from './auth.js';

/** Checks a request's credential and scope against what a route accepts, and answers 401/403. */
export interface AuthGate {
  readonly access: Access;
  /**
   * Whether the request may `action` on `channels` (empty: every channel), among `accept`ed
   * credentials; a ticket is only checked here, not spent (see {@link AuthGate.redeemTicket}).
   */
  authorize(
    c: Context<AppEnv>,
    action: Action,
    channels: readonly string[],
    accept: readonly Credential[],
  ): Promise<AccessDecision>;
  /** Spends the request's `?ticket=` (single use); false if it is gone (expired, or spent meanwhile). */
  redeemTicket(c: Context<AppEnv>): boolean;
  /** The 401 or 403 answer of a refused decision (401 with `WWW-Authenticate`). */
  refuse(c: Context<AppEnv>, decision: { status: 401 | 403; message: string }): Response;
  /** Middleware: sets `credential` and `principal`, or answers 401. Tickets are not accepted here (routes spend them). */
  require(accept: readonly Exclude<Credential, 'ticket'>[]): MiddlewareHandler<AppEnv>;
  /** Middleware after {@link AuthGate.require}: answers 403 unless the principal may `action` on every channel. */
  requireAll(action: Action): MiddlewareHandler<AppEnv>;
}

/** Creates the {@link AuthGate} over `access` (and `auth` for tickets). */
export function createAuthGate(auth: Auth, access: Access): AuthGate {
  const gate: AuthGate = {
    access,
    authorize: (c, action, channels, accept) => access.authorize(c.req.raw, action, channels, accept),
    redeemTicket: (c) => auth.redeemTicket(c.req.query('ticket')),
    refuse(c, decision) {
      if (decision.status === 401) c.header('WWW-Authenticate', 'Bearer realm="webstream"');
      return problem(c, decision.status, decision.message);
    },
    require: (accept) => async (c, next) => {
      const decision = await access.identify(c.req.raw, accept);
      if (!decision.ok) return gate.refuse(c, decision);
      c.set('credential', decision.credential === 'anonymous' ? 'none' : decision.credential);
      c.set('principal', decision.principal);
      return next();
    },
    requireAll: (action) => async (c, next) => {
      const denied = forbidden(c.get('principal'), action, []);
      return denied ? problem(c, 403, denied) : next();
    },
  };
  return gate;
}
