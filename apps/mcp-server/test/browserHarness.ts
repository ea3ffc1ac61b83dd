import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import { copyFixture, launchChromium, until } from '@ws/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ConfigInput } from '../src/config/config.js';
import type { RunningServer } from '../src/server/startServer.js';
import { startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

/** The fixture project whose `dev` script is a plain node:http dev server (see its server.js). */
export const BROWSER_FIXTURE = fileURLToPath(new URL('./fixtures/browser-project', import.meta.url));
export const browserProject = (): string => copyFixture(BROWSER_FIXTURE, 'ws-browser-');

/** Line of `throw new Error('fixture boom')` in the fixture's src/app.ts. */
export const BOOM_LINE = 21;

export { launchChromium };

/** A resource's JSON, read through the SDK client. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on what they read
export async function readJson(client: Client, uri: string): Promise<any> {
  const result = await client.readResource({ uri });
  const first = result.contents[0];
  if (!first || !('text' in first)) throw new Error(`${uri}: no text content`);
  return JSON.parse(first.text as string);
}

/** Waits until the resource's JSON satisfies `check`; returns that JSON. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on what they read
export async function readUntil(client: Client, uri: string, check: (value: any) => boolean, ms: number, what: string) {
  let last: unknown;
  await until(
    async () => {
      last = await readJson(client, uri);
      return check(last);
    },
    ms,
    () => `${what} (last ${uri}: ${JSON.stringify(last)?.slice(0, 2000)})`,
  );
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return last as any;
}

/** A tool's structured result (failing the test on an error result). */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on what they read
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

/** A running server with the fixture's dev server behind a proxy, an SDK client and Chromium. */
export interface BrowserRig {
  server: RunningServer;
  client: Client;
  notes: Notification[];
  browser: Browser;
  context: BrowserContext;
  processId: string;
  proxyUrl: string;
  /** Opens a tab at a path of the proxy URL. */
  open(path?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the rig: `scripts_run dev`, then waits for the proxy of the URL it prints. */
export async function startBrowserRig(overrides: ConfigInput = {}): Promise<BrowserRig> {
  const teardown: (() => unknown)[] = [];
  const close = async () => {
    for (const step of teardown.reverse()) await step();
  };
  try {
    const server = await startTestServer({ cwd: browserProject(), ...overrides });
    teardown.push(() => server.close());
    const mcp = await connectMcp(server.url, {}, (...steps) => teardown.push(...steps));
    const browser = await launchChromium();
    teardown.push(() => browser.close());
    const context = await browser.newContext();
    const run = await callTool(mcp.client, 'scripts_run', { name: 'dev', waitMs: 0 });
    const processId: string = run.process.id;
    const mappings = await readUntil(
      mcp.client,
      'proxy://mappings',
      (m) => m.some((x: { processId: string }) => x.processId === processId),
      WAIT_MS,
      'a proxy for the dev server the script printed',
    );
    const proxyUrl: string = mappings[0].proxyUrl;
    const open = async (path = '') => {
      const page = await context.newPage();
      await page.goto(new URL(path, proxyUrl).href);
      return page;
    };
    return { server, client: mcp.client, notes: mcp.notes, browser, context, processId, proxyUrl, open, close };
  } catch (error) {
    await close();
    throw error;
  }
}
