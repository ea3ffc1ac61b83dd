import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../appEnv.js';
import { problem } from '../problem.js';
import { type Auth, SESSION_COOKIE } from '../security/auth.js';

/** Browser credentials without a token in the URL: `POST /session` (HttpOnly cookie), `POST /ticket`. */
export function registerSessionRoutes(api: Hono<AppEnv>, auth: Auth): void {
  api.post('/session', (c) => {
    if (!auth.enabled) return c.json({ status: 'ok', auth: 'disabled' });
    if (c.get('credential') !== 'bearer') return problem(c, 401, 'a session needs "Authorization: Bearer <token>"');
    if (c.get('principal').via === 'jwt') {
      return problem(
        c,
        403,
        "a session cookie carries the shared token's full access; with a JWT, use POST /api/ticket",
      );
    }
    const session = auth.issueSession();
    setCookie(c, SESSION_COOKIE, session.value, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: session.maxAgeSeconds,
    });
    return c.json({ status: 'ok', expiresInSeconds: session.maxAgeSeconds });
  });

  api.post('/ticket', (c) => {
    if (!auth.enabled) return c.json({ status: 'ok', auth: 'disabled' });
    // A ticket carries the scope of whoever asked for it (a JWT's claims), and nothing more.
    const principal = c.get('principal');
    return c.json(auth.issueTicket(principal.via === 'jwt' ? principal : undefined));
  });
}
