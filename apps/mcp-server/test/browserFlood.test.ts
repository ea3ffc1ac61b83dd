// A page that logs 10,000 lines in a loop, and more requests than the store keeps: the server stays
// responsive and every store stays within its bound (Chromium against the fixture dev server).
import { until } from '@ws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_EVENTS_PER_SECOND } from '../src/browser/browserPublisher.js';
import { type BrowserRig, callTool, readJson, readUntil, startBrowserRig } from './browserHarness.js';
import { json, WAIT_MS } from './helpers.js';

const MAX_REQUESTS = 20;
let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig({ maxProxyRequests: MAX_REQUESTS });
}, 60_000);

afterAll(() => rig?.close());

/** How long `GET /health` takes, in ms. */
async function healthMs(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${rig.server.url}/health`);
  expect(res.status).toBe(200);
  return performance.now() - started;
}

describe('a page that logs 10,000 lines in a loop', () => {
  it('leaves the server responsive and the console store bounded', async () => {
    const page = await rig.context.newPage();
    const startedAt = Date.now();
    // /health is polled all along, from before the page loads until its drops are reported.
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling && latencies.length < 10_000) latencies.push(await healthMs());
    })();
    await page.goto(new URL('/loop', rig.proxyUrl).href);
    await until(async () => (await page.title()) === 'loop done', WAIT_MS, 'the loop page done');
    try {
      await until(
        async () => {
          const { entries } = await json(await fetch(`${rig.server.url}/api/telemetry/console?limit=1000`));
          return entries.some(
            (e: { source: string; text: string }) => e.source === 'webstream' && /dropped/.test(e.text),
          );
        },
        WAIT_MS,
        'the drops reported as a webstream console line',
      );
    } finally {
      polling = false;
      await poller;
    }
    expect(latencies.length).toBeGreaterThan(10);
    // The MCP side answers as well.
    const sessions = await readJson(rig.client, 'telemetry://sessions');
    expect(sessions.some((s: { title: string }) => s.title === 'loop done')).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(1000);

    const stats = rig.server.browser.telemetry.stats();
    const { entries } = await json(await fetch(`${rig.server.url}/api/telemetry/console?limit=1000`));
    const loopLines = entries.filter((e: { text: string }) => e.text.startsWith('loop line'));
    // The page's budget (100 distinct console items per second) kept most of the 10,000 on the page.
    expect(loopLines.length).toBeGreaterThan(0);
    expect(loopLines.length).toBeLessThan(1000);
    expect(stats.consoleEntries).toBeLessThanOrEqual(5000);

    // /stream got at most CONSOLE_EVENTS_PER_SECOND console lines per second of the run.
    const seconds = Math.ceil((Date.now() - startedAt) / 1000) + 1;
    const history = await json(await fetch(`${rig.server.url}/api/history?channel=browser&limit=1000`));
    const published = history.messages.filter((m: { data?: { kind?: string } }) => m.data?.kind === 'console');
    expect(published.length).toBeLessThanOrEqual(CONSOLE_EVENTS_PER_SECOND * seconds);
    await page.close();
  });
});

describe('a render loop throwing the same error 1,000 times', () => {
  it('is one entry in telemetry://errors with its count', async () => {
    const page = await rig.open('/errors');
    await until(async () => (await page.title()) === 'errors done', WAIT_MS, 'the errors page done');
    const errors = await readUntil(
      rig.client,
      'telemetry://errors',
      (e) => e.some((g: { message: string; count: number }) => g.message === 'render loop boom' && g.count === 1000),
      WAIT_MS,
      'one group counting 1,000',
    );
    expect(errors.filter((g: { message: string }) => g.message === 'render loop boom')).toHaveLength(1);
    const group = errors.find((g: { message: string }) => g.message === 'render loop boom');
    expect(Date.parse(group.lastSeen)).toBeGreaterThanOrEqual(Date.parse(group.firstSeen));
    await page.close();
  });
});

describe('more requests than the store keeps', () => {
  it('keeps the newest records within --max-proxy-requests', async () => {
    const page = await rig.open('/other');
    await page.evaluate(
      `Promise.all(Array.from({ length: ${MAX_REQUESTS * 2} }, (_, i) => fetch('/api/data?i=' + i)))`,
    );
    const { requests } = await callTool(rig.client, 'proxy_requests', { limit: 1000 });
    expect(requests.length).toBeLessThanOrEqual(MAX_REQUESTS);
    const stats = rig.server.browser.store.stats();
    expect(stats.entries).toBeLessThanOrEqual(MAX_REQUESTS);
    expect(stats.evicted).toBeGreaterThan(0);
    const resource = await readJson(rig.client, 'proxy://requests');
    expect(resource.length).toBeLessThanOrEqual(MAX_REQUESTS);
    await page.close();
  });
});
