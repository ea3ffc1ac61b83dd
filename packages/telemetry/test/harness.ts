// Browser test harness: a node:http "dev server" that serves an HTML page with the page script
// inlined as the proxy injects it (a <script nonce> and the page's CSP), a bundled script with its
// source map (built here with esbuild), failing API routes, and /__webstream/* routed to the collector.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@ws/testing';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import type { Telemetry } from '../src/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/app/', import.meta.url));

/** The fixture's bundle and map, and the 1-based line of a marker in a fixture source. */
export async function buildFixture(): Promise<{ js: string; map: string }> {
  const result = await build({
    entryPoints: [`${FIXTURE}src/main.ts`],
    bundle: true,
    format: 'iife',
    minify: true,
    sourcemap: 'linked',
    outfile: `${FIXTURE}dist/app.js`,
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text;
  const map = result.outputFiles.find((file) => file.path.endsWith('.map'))?.text;
  if (!js || !map) throw new Error('esbuild produced no bundle');
  return { js, map };
}

export function markerLine(file: string, marker: string): number {
  const lines = readFileSync(`${FIXTURE}${file}`, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`${marker} not in ${file}`);
  return index + 1;
}

export interface FixtureServer {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Collector answers with a 4xx status: `<status> <path> <origin header>`. */
  refused: string[];
  close(): Promise<void>;
}

function page(telemetry: Telemetry, res: ServerResponse, title: string, csp: boolean) {
  const nonce = randomBytes(12).toString('base64');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${telemetry.scriptTag(nonce)}</head>
<body><h1 id="title" class="big heading">${title}</h1><script src="/dist/app.js"${csp ? ` nonce="${nonce}"` : ''}></script></body></html>`;
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  if (csp)
    headers['content-security-policy'] = `default-src 'self'; script-src 'self' 'nonce-${nonce}'; connect-src 'self'`;
  res.writeHead(200, headers);
  res.end(html);
}

/** Starts the fixture server on 127.0.0.1:0. */
export async function startFixtureServer(
  telemetry: Telemetry,
  bundle: { js: string; map: string },
): Promise<FixtureServer> {
  const requests: string[] = [];
  const refused: string[] = [];
  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '');
    if (telemetry.handle(req, res, { origins: [origin] })) {
      res.on('finish', () => {
        if (res.statusCode >= 400) refused.push(`${res.statusCode} ${req.url} ${req.headers.origin}`);
      });
      return;
    }
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/') return page(telemetry, res, 'Fixture', true);
    if (path === '/plain') return page(telemetry, res, 'Plain', false);
    if (path === '/other') return page(telemetry, res, 'Other', true);
    if (path === '/bare') {
      // The same app without the page script: the baseline for the page's own cost.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>Bare</title><h1 id="title">Bare</h1><script src="/dist/app.js"></script>');
    }
    if (path === '/dist/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(bundle.js);
    }
    if (path === '/dist/app.js.map') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(bundle.map);
    }
    if (path === '/api/fail') {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain', 'x-webstream-request-id': 'req-42' });
      return res.end('boom');
    }
    if (path === '/api/drop') return req.socket.destroy();
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const launchBrowser = (): Promise<Browser> => launchChromium();

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, label: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
