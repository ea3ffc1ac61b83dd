import zlib from 'node:zlib';
import { launchChromium } from '@ws/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createDevProxy, type DevProxy } from '../src/index.js';
import { finalRecord, startServer, type TestServer } from './helpers.js';

const PAGE_INLINE = '<script>window.pageInline = true</script>';

/** The dev server: pages with CSPs of several shapes, and a WebSocket echo at /socket. */
const pages: Record<string, { headers?: Record<string, string>; html: string; gzip?: boolean }> = {
  '/header-csp': {
    headers: { 'content-security-policy': "default-src 'none'; style-src 'self'" },
    html: `<!doctype html><html><head><title>header</title></head><body>${PAGE_INLINE}<p>hi</p></body></html>`,
  },
  '/meta-csp': {
    gzip: true,
    html: `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'; connect-src 'none'"><title>meta</title></head><body>${PAGE_INLINE}</body></html>`,
  },
  '/unsafe-inline': {
    headers: { 'content-security-policy': "script-src 'unsafe-inline'; connect-src 'none'" },
    html: `<!doctype html><html><head><title>inline</title></head><body>${PAGE_INLINE}</body></html>`,
  },
  '/hmr': {
    html: `<!doctype html><html><head><title>hmr</title></head><body><script>
      const socket = new WebSocket('ws://' + location.host + '/socket', 'vite-hmr');
      socket.onopen = () => socket.send('update?');
      socket.onmessage = (e) => { window.echo = e.data };
    </script></body></html>`,
  },
};

let target: TestServer;
let wss: WebSocketServer;
let proxy: DevProxy;
let browser: Browser;
const pings: string[] = [];

beforeAll(async () => {
  target = await startServer((req, res) => {
    const page = pages[req.url ?? ''];
    if (!page) return res.writeHead(404).end();
    const body = page.gzip ? zlib.gzipSync(page.html) : Buffer.from(page.html);
    const headers = {
      'content-type': 'text/html',
      ...page.headers,
      ...(page.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
    res.writeHead(200, headers).end(body);
  });
  wss = new WebSocketServer({ server: target.server, path: '/socket' });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${data}`)));
  proxy = await createDevProxy({
    target: target.url,
    inject: {
      html: (nonce) => `<script nonce="${nonce}">
        window.injected = true;
        window.violations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective));
        fetch('/__webstream/ping?from=' + location.pathname).then((r) => r.text()).then(
          (t) => { window.pinged = t },
          (e) => { window.pinged = 'failed: ' + e.message },
        );
      </script>`,
    },
    reserved: {
      prefix: '/__webstream/',
      handle(req, res) {
        pings.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      },
    },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  for (const client of wss?.clients ?? []) client.terminate();
  await new Promise((resolve) => (wss ? wss.close(resolve) : resolve(undefined)));
  await target?.close();
});

interface PageState {
  injected?: boolean;
  pageInline?: boolean;
  pinged?: string;
  violations?: string[];
}

async function load(path: string): Promise<{ state: PageState; page: Page }> {
  const page = await browser.newPage();
  await page.goto(`${proxy.origin}${path}`, { timeout: 10_000 });
  await page.waitForFunction(() => (globalThis as unknown as PageState).pinged !== undefined, null, {
    timeout: 10_000,
  });
  const state = await page.evaluate(() => {
    const w = globalThis as unknown as PageState;
    return { injected: w.injected, pageInline: w.pageInline, pinged: w.pinged, violations: w.violations };
  });
  return { state, page };
}

describe('injection in a real Chromium', () => {
  it('a CSP header with only default-src: the injected script runs and reaches its origin, the page inline script stays blocked', async () => {
    const { state, page } = await load('/header-csp');
    expect(state).toEqual({ injected: true, pageInline: undefined, pinged: 'pong', violations: ['script-src-elem'] });
    expect(pings).toContain('/__webstream/ping?from=/header-csp');
    const record = await finalRecord(proxy.store, '/header-csp');
    expect(record.injection?.notes).toEqual([
      'inserted before </head>',
      'content-security-policy header: script-src derived from default-src; script-src: nonce added',
      "content-security-policy header: connect-src derived from default-src with 'self' added",
    ]);
    await page.close();
  });

  it('control: the same page with a script injected without the nonce does not run it', async () => {
    const bare = await createDevProxy({
      target: target.url,
      inject: { html: () => '<script>window.injected = true</script>' },
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${bare.origin}/header-csp`, { timeout: 10_000, waitUntil: 'load' });
      expect(await page.evaluate(() => (globalThis as unknown as PageState).injected)).toBeUndefined();
      expect((await finalRecord(bare.store, '/header-csp')).injection?.injected).toBe(true);
      await page.close();
    } finally {
      await bare.close();
    }
  });

  it('a gzip page with a <meta> CSP: the nonce is added there too', async () => {
    const { state, page } = await load('/meta-csp');
    expect(state).toEqual({ injected: true, pageInline: undefined, pinged: 'pong', violations: ['script-src-elem'] });
    const record = await finalRecord(proxy.store, '/meta-csp');
    expect(record.injection?.notes).toContain('decoded gzip, sent uncompressed');
    expect(record.injection?.notes).toContain('meta csp: script-src: nonce added');
    await page.close();
  });

  it("a page relying on 'unsafe-inline' keeps its own inline scripts working", async () => {
    const { state, page } = await load('/unsafe-inline');
    expect(state).toEqual({ injected: true, pageInline: true, pinged: 'pong', violations: [] });
    await page.close();
  });

  it("the page's hot-reload WebSocket works through the proxy", async () => {
    const { page } = await load('/hmr');
    await page.waitForFunction(() => (globalThis as unknown as { echo?: string }).echo !== undefined, null, {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => (globalThis as unknown as { echo?: string }).echo)).toBe('echo:update?');
    const ws = proxy.store.list({ url: '/socket' });
    expect(ws[0]).toMatchObject({ kind: 'websocket', status: 101 });
    await page.close();
  });
});
