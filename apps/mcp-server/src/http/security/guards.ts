import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import type { HostGuard } from './hostRules.js';

/** DNS-rebinding protection: 403 unless Host names this server. `/health` decides for itself (see health.ts). */
export function hostCheck(guard: HostGuard): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.path === '/health') return next();
    const host = c.req.header('host');
    if (!guard.hostAllowed(host)) {
      return problem(
        c,
        403,
        `Host "${host ?? ''}" is not allowed; start webstream with --allowed-hosts ${host ?? '<name>'} to accept it`,
      );
    }
    return next();
  };
}

/** CORS for allowlisted origins only; the preflight is answered here. */
export function cors(guard: HostGuard): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allow = guard.corsOrigin(origin);
    if (c.req.method === 'OPTIONS') {
      if (!allow) return problem(c, 403, `origin ${origin ?? '(none)'} is not allowed; add it with --cors`);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': allow,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          'Content-Type, Authorization, Last-Event-ID, Mcp-Session-Id, Mcp-Protocol-Version',
        'Access-Control-Max-Age': '600',
        ...(allow === '*' ? {} : { 'Access-Control-Allow-Credentials': 'true' }),
        Vary: 'Origin',
      });
    }
    await next();
    if (allow) {
      c.res.headers.set('Access-Control-Allow-Origin', allow);
      c.res.headers.set('Access-Control-Expose-Headers', 'Mcp-Session-Id');
      if (allow !== '*') c.res.headers.set('Access-Control-Allow-Credentials', 'true');
      c.res.headers.append('Vary', 'Origin');
    }
  };
}

/** The CORS headers for a response written outside Hono (the SSE stream on Node). */
export function corsHeaders(guard: HostGuard, c: Context<AppEnv>): Record<string, string> {
  const allow = guard.corsOrigin(c.req.header('origin'));
  if (!allow) return {};
  return allow === '*'
    ? { 'Access-Control-Allow-Origin': '*' }
    : { 'Access-Control-Allow-Origin': allow, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** Cross-site requests are refused (403) unless the origin is allowlisted. */
export function sameOrigin(guard: HostGuard): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (!guard.originAllowed(origin, c.req.header('host'))) {
      return problem(c, 403, `origin ${origin} is not allowed; add it with --cors ${origin}`);
    }
    return next();
  };
}
