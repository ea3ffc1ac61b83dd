import type { Hono } from 'hono';
import type { AppEnv } from '../appEnv.js';
import type { DashboardAssets } from '../static/dashboardAssets.js';
import { PAGE_CSP, PAGE_HTML, PAGE_JS } from '../static/livePage.js';

/** The dashboard's files by exact path (when built), else the minimal live page at `/`. */
export function registerStaticRoutes(app: Hono<AppEnv>, dashboard: DashboardAssets | undefined): void {
  if (dashboard) {
    app.get('/*', async (c, next) => {
      const asset = dashboard.get(c.req.path);
      if (!asset) return next();
      return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': asset.type,
        'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...(c.req.path === '/' ? { 'Content-Security-Policy': PAGE_CSP, 'Referrer-Policy': 'no-referrer' } : {}),
      });
    });
  }
  app.get('/', (c) =>
    c.html(PAGE_HTML, 200, { 'Content-Security-Policy': PAGE_CSP, 'X-Content-Type-Options': 'nosniff' }),
  );
  app.get('/page.js', (c) =>
    c.body(PAGE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }),
  );
}
