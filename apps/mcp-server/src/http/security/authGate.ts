import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import { type Auth, type Credential, SESSION_COOKIE } from './auth.js';

/** Checks a request's credential against the ones a route accepts, and answers 401 when there is none. */
export interface AuthGate {
  /**
   * The request's credential among `accept` (`none` when auth is off), or undefined. A ticket is only
   * checked here, not spent: the route redeems it with {@link AuthGate.redeemTicket} once it succeeds.
   */
  identify(c: Context<AppEnv>, accept: readonly Credential[]): Credential | 'none' | undefined;
  /** Spends the request's `?ticket=` (single use); false if it is gone (expired, or spent meanwhile). */
  redeemTicket(c: Context<AppEnv>): boolean;
  /** The 401 answer, with `WWW-Authenticate` and what to send. */
  refuse(c: Context<AppEnv>, accept: readonly Credential[]): Response;
  /** Middleware: sets `credential` or answers 401. Tickets are not accepted here (they are spent by routes). */
  require(accept: readonly Exclude<Credential, 'ticket'>[]): MiddlewareHandler<AppEnv>;
}

/** Creates the {@link AuthGate} over `auth`. */
export function createAuthGate(auth: Auth): AuthGate {
  const gate: AuthGate = {
    identify(c, accept) {
      if (!auth.enabled) return 'none';
      const header = c.req.header('authorization');
      if (header !== undefined && accept.includes('bearer') && auth.checkBearer(header)) return 'bearer';
      if (accept.includes('cookie') && auth.checkSession(getCookie(c, SESSION_COOKIE))) return 'cookie';
      if (accept.includes('ticket') && auth.checkTicket(c.req.query('ticket'))) return 'ticket';
      return undefined;
    },
    redeemTicket: (c) => auth.redeemTicket(c.req.query('ticket')),
    refuse(c, accept) {
      c.header('WWW-Authenticate', 'Bearer realm="webstream"');
      const how = accept.includes('ticket')
        ? 'send "Authorization: Bearer <token>", the session cookie (POST /api/session), or ?ticket= from POST /api/ticket'
        : accept.includes('cookie')
          ? 'send "Authorization: Bearer <token>" or the session cookie from POST /api/session'
          : 'send "Authorization: Bearer <token>"';
      return problem(c, 401, `authentication required: ${how}`);
    },
    require: (accept) => async (c, next) => {
      const credential = gate.identify(c, accept);
      if (!credential) return gate.refuse(c, accept);
      c.set('credential', credential);
      return next();
    },
  };
  return gate;
}
