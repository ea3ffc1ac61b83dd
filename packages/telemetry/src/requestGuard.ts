import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A check's outcome: pass, or the status and message to answer with. */
export type Check = { ok: true } | { ok: false; status: number; message: string };

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

/** Constant-time key comparison. */
export function keyMatches(given: unknown, key: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The origins a page may be served from: those given, else `http://<Host>` when the Host header is
 * a loopback name (a rebinding page has its own host name in Host, and is refused).
 */
export function allowedOrigins(req: IncomingMessage, given: readonly string[] | undefined): readonly string[] {
  if (given && given.length > 0) return given;
  const host = req.headers.host ?? '';
  return LOOPBACK_HOST.test(host) ? [`http://${host.toLowerCase()}`] : [];
}

/**
 * The request must come from one of `origins`: its Origin header equal to one (required on POST,
 * which browsers always send it on), and `Sec-Fetch-Site`, when sent, `same-origin`.
 */
export function checkOrigin(req: IncomingMessage, origins: readonly string[]): Check {
  if (origins.length === 0) {
    return { ok: false, status: 403, message: 'no page origin is allowed: the proxy must pass its own origin' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origins.includes(origin)) return { ok: true };
    return { ok: false, status: 403, message: `Origin ${origin} is not the origin the page was served from` };
  }
  if (req.method === 'POST') return { ok: false, status: 403, message: 'an Origin header is required' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    return { ok: false, status: 403, message: `Sec-Fetch-Site ${site}: only same-origin requests are accepted` };
  }
  return { ok: true };
}
