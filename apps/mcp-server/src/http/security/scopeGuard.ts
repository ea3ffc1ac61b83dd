import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import { forbidden } from './access.js';

/** `/api/*` paths whose routes check the channel scope themselves (or need none): a connection's subscriptions are checked per connection. */
const SELF_CHECKED = /^\/api\/(push|ack|session|ticket|messages\/[^/]+|connections\/[^/]+\/subscriptions)$/;

/**
 * Middleware after the auth gate: a scoped token (JWT claims) reaches `/api/history` for the
 * channels it may subscribe to, and the routes that read or act on everything (stats, clients, dev
 * processes, `/mcp`, `/metrics`) only when its claims cover every channel (`*`) both ways.
 */
export function scopeGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (SELF_CHECKED.test(c.req.path)) return next();
    if (c.req.path === '/api/history') {
      const channel = c.req.query('channel');
      const denied = forbidden(principal, 'subscribe', channel === undefined ? [] : [channel]);
      return denied ? problem(c, 403, denied) : next();
    }
    const denied = forbidden(principal, 'subscribe', []) ?? forbidden(principal, 'publish', []);
    return denied
      ? problem(c, 403, `${denied.replace(/; name the channels.*$/, '')}: ${c.req.path} needs access to every channel`)
      : next();
  };
}
