// Local only: renders the new views with route-fulfilled data to check the layout.
import { fixtureProject, launchBrowser, startServer } from '../test/harness.js';

const now = Date.now();
const iso = (d: number) => new Date(now - d).toISOString();
const rec = (id: number, method: string, url: string, status: number | null, dur: number, failed = false) => ({
  id: String(id),
  processId: 'dev-1a2b',
  kind: 'http',
  method,
  url,
  target: 'http://localhost:5173',
  startedAt: now - id * 1000,
  pending: false,
  status,
  durationMs: dur,
  requestBytes: method === 'POST' ? 230 : 0,
  responseBytes: 1234 * id,
  contentType: 'text/html',
  requestHeaders: { host: 'localhost', authorization: '[redacted]', accept: '*/*' },
  responseHeaders: { 'content-type': 'text/html' },
  requestBody: null,
  responseBody: null,
  failed,
  error: failed ? { kind: 'connection_refused', message: 'connect ECONNREFUSED 127.0.0.1:5173' } : null,
  injection: null,
});
const data: Record<string, unknown> = {
  '/api/proxy/mappings': {
    mappings: [
      {
        target: 'http://localhost:5173/',
        proxyUrl: 'http://127.0.0.1:40111/',
        processId: 'dev-1a2b',
        source: 'detected',
        createdAt: iso(60000),
      },
    ],
  },
  '/api/proxy/requests': {
    requests: [
      rec(1, 'GET', '/', 200, 14),
      rec(2, 'GET', '/assets/app.js', 304, 3),
      rec(3, 'POST', '/api/items', 500, 120),
      rec(4, 'GET', '/api/missing', 404, 8),
      rec(5, 'GET', '/api/slow', 502, 30, true),
    ],
  },
  '/api/telemetry/sessions': {
    sessions: [
      {
        id: 'sess1234abcd',
        url: 'http://127.0.0.1:40111/',
        title: 'Fixture app',
        userAgent: 'x',
        origin: 'x',
        startedAt: iso(50000),
        lastSeenAt: iso(2000),
        activeAt: iso(2000),
        visibility: 'visible',
        focused: true,
        state: 'open',
        commandStream: true,
        counts: { console: 1, errors: 1, network: 0, droppedOnPage: 0, droppedOnServer: 0 },
      },
    ],
  },
  '/api/telemetry/errors': {
    errors: [
      {
        id: 'err-1',
        kind: 'error',
        name: 'TypeError',
        message: "Cannot read properties of undefined (reading 'map')",
        file: 'src/App.tsx',
        line: 42,
        column: 15,
        stack: "TypeError: Cannot read properties of undefined (reading 'map')\n    at App (src/App.tsx:42:15)",
        frames: [],
        mapping: 'mapped',
        count: 1000,
        firstSeen: iso(40000),
        lastSeen: iso(3000),
        sessions: ['sess1234abcd'],
        url: 'http://127.0.0.1:40111/',
      },
    ],
  },
  '/api/telemetry/console': {
    entries: [
      {
        id: 1,
        sessionId: 's',
        timestamp: iso(5000),
        level: 'log',
        text: 'hello from the page',
        count: 1,
        url: '/',
        truncated: false,
        source: 'page',
      },
      {
        id: 2,
        sessionId: 's',
        timestamp: iso(4000),
        level: 'warn',
        text: 'deprecated API',
        count: 3,
        url: '/',
        truncated: false,
        source: 'page',
      },
      {
        id: 3,
        sessionId: 's',
        timestamp: iso(3000),
        level: 'error',
        text: 'fetch failed: 500',
        count: 1,
        url: '/',
        truncated: false,
        source: 'page',
      },
    ].reverse(),
  },
  '/api/timeline': {
    entries: [
      { at: iso(6000), kind: 'log', processId: 'dev-1a2b', summary: 'ready in 300 ms', ref: '1' },
      { at: iso(5000), kind: 'request', processId: 'dev-1a2b', summary: 'GET / 200 14 ms', ref: '1' },
      { at: iso(4000), kind: 'console', processId: 'dev-1a2b', summary: 'warn deprecated API', ref: '2' },
      {
        at: iso(3000),
        kind: 'page-error',
        processId: 'dev-1a2b',
        summary: "TypeError: Cannot read properties of undefined (reading 'map') at src/App.tsx:42:15",
        ref: 'err-1',
      },
    ],
  },
};
const server = await startServer(['--cwd', fixtureProject()]);
const browser = await launchBrowser();
try {
  for (const [name, viewport, scheme] of [
    ['wide', { width: 1360, height: 1000 }, 'light'],
    ['phone', { width: 390, height: 900 }, 'dark'],
  ] as const) {
    const page = await browser.newPage({ viewport, colorScheme: scheme });
    page.on('pageerror', (e) => console.error('pageerror', e.message));
    await page.route(/\/api\/(proxy|telemetry|timeline)/, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/api/telemetry/repl')
        return route.fulfill({
          json: { sessionId: 'sess1234abcd', chosen: 'most-recent-visible', ok: true, value: 2, type: 'number' },
        });
      return route.fulfill({ json: data[path] ?? { error: 'nope' }, status: data[path] ? 200 : 404 });
    });
    await page.goto(server.url);
    await page.waitForSelector('#requests-body tr.request', { state: 'attached' });
    if (name === 'wide') {
      await page.locator('#requests-body button[data-request="3"]').click();
      await page.locator('#repl-code').fill('1+1');
      await page.locator('#repl button[type=submit]').click();
      await page.waitForSelector('.repl-value');
      await page.screenshot({ path: `/tmp/bui/${name}.png`, fullPage: true });
    } else {
      for (const tab of ['requests', 'page', 'timeline']) {
        await page.locator(`#tab-${tab}`).click();
        await page.waitForTimeout(300);
        await page.screenshot({ path: `/tmp/bui/${name}-${tab}.png`, fullPage: true });
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
