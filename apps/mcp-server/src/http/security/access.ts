import { parse as parseCookies } from 'hono/utils/cookie';
import { type Auth, type Credential, SESSION_COOKIE } from './auth.js';
import { matchesAny } from './channelPatterns.js';
import type { JwtVerifier } from './jwt.js';

/** Who a request is, and the channel patterns it may use (undefined: every channel). */
export interface Principal {
  /** `none`: auth is off; `token`: the shared token; `jwt`: a verified JWT; `anonymous`: no credential, allowed by `--anonymous-subscribe`. */
  readonly via: 'none' | 'token' | 'jwt' | 'cookie' | 'ticket' | 'anonymous';
  /** The JWT's `sub` (also carried by a ticket minted with it). */
  readonly subject: string | undefined;
  readonly subscribe: readonly string[] | undefined;
  readonly publish: readonly string[] | undefined;
}

/** What a request wants to do on channels. */
export type Action = 'subscribe' | 'publish';

/** The answer of {@link Access.authorize}: go ahead as `principal`, or the 401/403 to send. */
export type AccessDecision =
  | { ok: true; principal: Principal; credential: Credential | 'none' | 'anonymous' }
  | { ok: false; status: 401 | 403; message: string };

/** Full access: auth off, the shared token, its session cookie. */
const FULL = (via: Principal['via']): Principal => ({
  via,
  subject: undefined,
  subscribe: undefined,
  publish: undefined,
});

/** Every credential a request may carry. */
export const ANY_CREDENTIAL: readonly Credential[] = ['bearer', 'cookie', 'ticket'];

/** The scoped access rules of `/stream`, `/ws`, `/api/*` and `/mcp` (bridges use their configured patterns). */
export interface Access {
  readonly enabled: boolean;
  /** Who the request is, among the `accept`ed credentials, without a scope check (no credential: 401). */
  identify(request: Request, accept?: readonly Credential[]): Promise<AccessDecision>;
  /**
   * Who the request is, among the `accept`ed credentials (a ticket is checked, not spent), and
   * whether it may `action` on `channels` (empty: every channel). A request without any credential
   * may subscribe to channels matched by `--anonymous-subscribe`; it never publishes.
   */
  authorize(
    request: Request,
    action: Action,
    channels: readonly string[],
    accept?: readonly Credential[],
  ): Promise<AccessDecision>;
}

/** Whether `principal` may `action` on every one of `channels` (empty: every channel); the 403 message if not. */
export function forbidden(principal: Principal, action: Action, channels: readonly string[]): string | undefined {
  const patterns = action === 'subscribe' ? principal.subscribe : principal.publish;
  if (patterns === undefined) return undefined;
  const who = principal.subject !== undefined ? `subject "${principal.subject}"` : `this ${principal.via} credential`;
  const claim = `its ${action} claim: ${patterns.join(', ') || 'none'}`;
  const verb = action === 'subscribe' ? 'subscribe to' : 'publish on';
  if (channels.length === 0) {
    return patterns.includes('*')
      ? undefined
      : `${who} may not ${verb} every channel (${claim}); name the channels (?channel=)`;
  }
  const denied = channels.find((ch) => !matchesAny(patterns, ch));
  return denied === undefined ? undefined : `${who} may not ${verb} channel "${denied}" (${claim})`;
}

const HOW_TO: Record<string, string> = {
  ticket:
    'send "Authorization: Bearer <token or JWT>", the session cookie (POST /api/session), or ?ticket= from POST /api/ticket',
  cookie: 'send "Authorization: Bearer <token or JWT>" or the session cookie from POST /api/session',
  bearer: 'send "Authorization: Bearer <token or JWT>"',
};

/** The 401 message for the credentials a route accepts. */
export const howToAuthenticate = (accept: readonly Credential[]): string =>
  `authentication required: ${HOW_TO[accept.includes('ticket') ? 'ticket' : accept.includes('cookie') ? 'cookie' : 'bearer']}`;

/** Options of {@link createAccess}. */
export interface AccessOptions {
  auth: Auth;
  /** JWT access, when configured. */
  jwt?: JwtVerifier | undefined;
  /** Channel patterns anyone may subscribe to without a credential. */
  anonymousSubscribe?: readonly string[] | undefined;
}

/** Creates the {@link Access} over the shared-token {@link Auth} and, when configured, JWTs. */
export function createAccess({ auth, jwt, anonymousSubscribe = [] }: AccessOptions): Access {
  const identify = async (
    request: Request,
    accept: readonly Credential[],
  ): Promise<AccessDecision | { ok: 'absent' }> => {
    const header = request.headers.get('authorization') ?? undefined;
    // A refused bearer is remembered, not final: a valid cookie or ticket still serves (as before JWTs).
    let refusedBearer: string | undefined;
    if (header !== undefined && accept.includes('bearer')) {
      if (auth.checkBearer(header)) return { ok: true, principal: FULL('token'), credential: 'bearer' };
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (jwt && bearer && bearer.split('.').length === 3) {
        const verified = await jwt.verify(bearer);
        if (verified.ok) {
          const { subject, subscribe, publish } = verified.grant;
          return { ok: true, principal: { via: 'jwt', subject, subscribe, publish }, credential: 'bearer' };
        }
        refusedBearer = `invalid token: ${verified.message}`;
      }
    }
    const cookie = parseCookies(request.headers.get('cookie') ?? '', SESSION_COOKIE)[SESSION_COOKIE];
    if (accept.includes('cookie') && cookie !== undefined && auth.checkSession(cookie)) {
      return { ok: true, principal: FULL('cookie'), credential: 'cookie' };
    }
    const ticket = accept.includes('ticket') ? new URL(request.url).searchParams.get('ticket') : null;
    if (ticket !== null && auth.checkTicket(ticket)) {
      const grant = auth.ticketGrant(ticket) as Principal | undefined;
      return { ok: true, principal: grant ? { ...grant, via: 'ticket' } : FULL('ticket'), credential: 'ticket' };
    }
    if (refusedBearer !== undefined) return { ok: false, status: 401, message: refusedBearer };
    if (header === undefined && cookie === undefined && ticket === null) return { ok: 'absent' };
    return { ok: false, status: 401, message: howToAuthenticate(accept) };
  };

  return {
    enabled: auth.enabled,
    async identify(request, accept = ANY_CREDENTIAL) {
      if (!auth.enabled) return { ok: true, principal: FULL('none'), credential: 'none' };
      const who = await identify(request, accept);
      return who.ok === 'absent' ? { ok: false, status: 401, message: howToAuthenticate(accept) } : who;
    },
    async authorize(request, action, channels, accept = ANY_CREDENTIAL) {
      if (!auth.enabled) return { ok: true, principal: FULL('none'), credential: 'none' };
      const who = await identify(request, accept);
      if (who.ok === 'absent') {
        const anonymous: Principal = {
          via: 'anonymous',
          subject: undefined,
          subscribe: anonymousSubscribe,
          publish: [],
        };
        if (action === 'subscribe' && anonymousSubscribe.length > 0 && !forbidden(anonymous, action, channels)) {
          return { ok: true, principal: anonymous, credential: 'anonymous' };
        }
        return { ok: false, status: 401, message: howToAuthenticate(accept) };
      }
      if (!who.ok) return who;
      const denied = forbidden(who.principal, action, channels);
      return denied ? { ok: false, status: 403, message: denied } : who;
    },
  };
}
