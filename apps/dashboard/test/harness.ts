// Test harness: the real webstream binary (built by the root test command) and Debian's Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@ws/testing';
import type { Browser, Page, ViewportSize } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const CLI = fileURLToPath(new URL('../../mcp-server/dist/cli.js', import.meta.url));

export interface Server {
  url: string;
  port: number;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A writable copy of a fixture project: by default the server's (a script that prints and crashes, a
 * long-running one...); `devapp` is this folder's dev server with a page, a source-mapped script and API routes.
 */
export function fixtureProject(name: 'server' | 'devapp' = 'server'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-dash-'));
  const from = name === 'server' ? '../../mcp-server/test/fixtures/project' : './fixtures/devapp';
  cpSync(fileURLToPath(new URL(from, import.meta.url)), dir, { recursive: true });
  return dir;
}

/** Starts `webstream` on 127.0.0.1 (port 0 unless given) and resolves once it listens. */
export async function startServer(args: string[] = [], port = 0): Promise<Server> {
  const child = spawn(
    process.execPath,
    [CLI, '--port', String(port), '--rate-limit', '100000', '--rate-burst', '100000', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webstream did not start: ${err}`)), 10_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stderr?.on('data', check);
    child.on('exit', (code) => reject(new Error(`webstream exited with ${code}: ${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Chromium for the dashboard tests (the shared flags, and no sync). */
export const launchBrowser = (): Promise<Browser> => launchChromium(['--disable-sync']);

export const push = (url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(async (res) => {
    if (!res.ok) throw new Error(`push failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; timestamp: string };
  });

/** A dashboard open in Chromium on its own server, with what the page reported. */
export interface OpenDashboard {
  server: Server;
  page: Page;
  /** Uncaught page errors and dialogs (an `alert` would mean injected script ran). */
  errors: string[];
  /** The fixture project the server supervises (a copy, writable). */
  project: string;
}

/**
 * Registers the hooks of a test file: one Chromium for the file; the servers and pages each test
 * opens are closed after it. `open` starts a server on a fresh fixture project and loads the page.
 */
export function useDashboard(): {
  open(args?: string[], viewport?: ViewportSize, project?: string): Promise<OpenDashboard>;
  /** Another page in the same Chromium (closed after the test), such as a page opened through the proxy. */
  newPage(viewport?: ViewportSize): Promise<Page>;
  /** Stops `server` after the test too (one a test started itself). */
  adopt(server: Server): Server;
} {
  let browser: Browser | undefined;
  let servers: Server[] = [];
  let pages: Page[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const p of pages) await p.close();
    for (const s of servers) await s.stop();
    pages = [];
    servers = [];
  });
  return {
    adopt(server) {
      servers.push(server);
      return server;
    },
    async newPage(viewport = { width: 1280, height: 900 }) {
      const page = await (browser as Browser).newPage({ viewport });
      pages.push(page);
      return page;
    },
    async open(args = [], viewport = { width: 1280, height: 900 }, project = fixtureProject()) {
      const server = await startServer(['--cwd', project, ...args]);
      servers.push(server);
      const page = await (browser as Browser).newPage({ viewport });
      pages.push(page);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      // Anything the page's CSP blocks (an inline style element, a script, eval) is recorded here.
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { cspViolations: string[] }).cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      await page.goto(server.url);
      return { server, page, errors, project };
    },
  };
}

/** What the page's CSP blocked so far. */
export const cspViolations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
/** Waits until the stream is open and its replay done. */
export const connected = (page: Page) => page.waitForSelector('#status[data-state="connected"]', { timeout: 10_000 });
/** The texts of the event rows, newest first. */
export const messages = (page: Page) =>
  page.$$eval('#events li.event .message', (els) => els.map((e) => e.textContent));
