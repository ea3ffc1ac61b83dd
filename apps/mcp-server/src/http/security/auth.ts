import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the session cookie that lets an `EventSource` authenticate without a token in the URL. */
export const SESSION_COOKIE = 'webstream_session';
/** Lifetime of a session cookie. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Lifetime of a single-use subscribe ticket. */
export const TICKET_TTL_MS = 60_000;
const MAX_TICKETS = 10_000;

/** How a request proved who it is. */
export type Credential = 'bearer' | 'cookie' | 'ticket';

/** What a ticket stands for: the principal that asked for it (a scoped token's grant), opaque here. */
export type TicketGrant = object | undefined;

/** Token auth: bearer header, HMAC-signed session cookie, or a short-lived single-use ticket. */
export interface Auth {
  readonly enabled: boolean;
  checkBearer(header: string | undefined): boolean;
  /** A cookie value `<expiry>.<hmac>`, valid for {@link SESSION_TTL_MS}. */
  issueSession(): { value: string; maxAgeSeconds: number };
  checkSession(value: string | undefined): boolean;
  issueTicket(grant?: TicketGrant): { ticket: string; expiresInMs: number };
  /** Whether the ticket is valid now, without consuming it (a request checks it, then redeems it once it succeeds). */
  checkTicket(ticket: string | undefined): boolean;
  /** The grant the ticket was issued with (undefined: the shared token's full access). */
  ticketGrant(ticket: string | undefined): TicketGrant;
  /** Consumes the ticket (single use). */
  redeemTicket(ticket: string | undefined): boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Creates the {@link Auth} for `token` (undefined: no shared token). Auth is on with a token, or
 * with `scoped` (JWT access is configured: then the shared-token checks fail and sessions are keyed
 * by a random secret). Both off: every check passes.
 */
export function createAuth(token: string | undefined, now: () => number = Date.now, scoped = false): Auth {
  const enabled = token !== undefined || scoped;
  const key = createHash('sha256')
    .update(`webstream-session:${token ?? randomBytes(32).toString('hex')}`)
    .digest();
  const tickets = new Map<string, { exp: number; grant: TicketGrant }>();
  const sign = (expiry: string) =>
    createHmac('sha256', key as Buffer)
      .update(expiry)
      .digest('base64url');
  return {
    enabled,
    checkBearer(header) {
      if (!enabled) return true;
      if (token === undefined) return false;
      const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
      return match !== null && safeEqual(match[1] as string, token);
    },
    issueSession() {
      const expiry = String(now() + SESSION_TTL_MS);
      return { value: `${expiry}.${sign(expiry)}`, maxAgeSeconds: SESSION_TTL_MS / 1000 };
    },
    checkSession(value) {
      if (!enabled) return true;
      if (!value) return false;
      const [expiry, mac] = value.split('.');
      if (!expiry || !mac || !/^\d+$/.test(expiry) || Number(expiry) < now()) return false;
      return safeEqual(mac, sign(expiry));
    },
    issueTicket(grant) {
      const t = now();
      for (const [k, v] of tickets) if (v.exp < t || tickets.size >= MAX_TICKETS) tickets.delete(k);
      const ticket = randomBytes(24).toString('base64url');
      tickets.set(ticket, { exp: t + TICKET_TTL_MS, grant });
      return { ticket, expiresInMs: TICKET_TTL_MS };
    },
    checkTicket(ticket) {
      if (!ticket) return false;
      const entry = tickets.get(ticket);
      return entry !== undefined && entry.exp >= now();
    },
    ticketGrant: (ticket) => (ticket ? tickets.get(ticket)?.grant : undefined),
    redeemTicket(ticket) {
      if (!ticket) return false;
      const entry = tickets.get(ticket);
      if (entry === undefined) return false;
      tickets.delete(ticket);
      return entry.exp >= now();
    },
  };
}
