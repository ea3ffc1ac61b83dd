import { isLoopback } from '../../config/config.js';

/** Decides which Host and Origin headers to accept (DNS-rebinding and cross-site protection). */
export interface HostGuard {
  /** Whether the Host header names this server. */
  hostAllowed(host: string | undefined): boolean;
  /** Whether a request with this Origin may use the API (same origin, or in the CORS allowlist). Absent Origin passes. */
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
  /** The value for Access-Control-Allow-Origin, if this origin gets CORS headers. */
  corsOrigin(origin: string | undefined): string | undefined;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Strips the port from a Host header value (`[::1]:8000` → `[::1]`). */
function hostname(host: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(host.trim().toLowerCase());
  return m ? (m[1] as string) : '';
}

export function createHostGuard(options: {
  host: string;
  allowedHosts: readonly string[];
  cors: readonly string[];
}): HostGuard {
  const anyHost = options.allowedHosts.includes('*');
  const names = new Set(options.allowedHosts.map((h) => hostname(h)));
  for (const n of LOOPBACK_NAMES) names.add(n);
  if (!isLoopback(options.host) && options.host !== '0.0.0.0' && options.host !== '::')
    names.add(hostname(options.host));
  const corsAny = options.cors.includes('*');
  const cors = new Set(options.cors.filter((o) => o !== '*').map((o) => o.toLowerCase()));

  return {
    hostAllowed(host) {
      if (anyHost) return true;
      return host !== undefined && names.has(hostname(host));
    },
    originAllowed(origin, host) {
      if (origin === undefined) return true;
      const o = origin.toLowerCase();
      if (cors.has(o) || corsAny) return true;
      try {
        // Same origin: the Origin names the host the request was sent to.
        return new URL(o).host === (host ?? '').toLowerCase();
      } catch {
        return false;
      }
    },
    corsOrigin(origin) {
      if (origin === undefined) return undefined;
      if (cors.has(origin.toLowerCase())) return origin;
      return corsAny ? '*' : undefined;
    },
  };
}
