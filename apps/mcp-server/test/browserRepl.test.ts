// The REPL routed to one tab, refresh and navigate, the timeline, the browser /api's answers to bad
// input, and a proxy that stops with its process: Chromium against the fixture dev server.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { until } from '@ws/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, callTool, readJson, readUntil, startBrowserRig } from './browserHarness.js';
import { json, post, WAIT_MS } from './helpers.js';

let rig: BrowserRig;
let client: Client;
let first: Page;
let second: Page;
let firstId: string;
let secondId: string;

/** The page session whose REPL stream is connected at `url`'s path. */
async function sessionAt(path: string, exclude: string[] = []): Promise<string> {
  const sessions = await readUntil(
    client,
    'telemetry://sessions',
    (s) =>
      s.some(
        (x: { id: string; url: string; commandStream: boolean; state: string }) =>
          x.url.endsWith(path) && x.commandStream && x.state === 'open' && !exclude.includes(x.id),
      ),
    WAIT_MS,
    `a connected page session at ${path}`,
  );
  return sessions.find(
    (x: { id: string; url: string; commandStream: boolean }) =>
      x.url.endsWith(path) && x.commandStream && !exclude.includes(x.id),
  ).id;
}

beforeAll(async () => {
  rig = await startBrowserRig();
  client = rig.client;
  first = await rig.open('/');
  firstId = await sessionAt('/');
  second = await rig.open('/other');
  secondId = await sessionAt('/other', [firstId]);
}, 60_000);

afterAll(() => rig?.close());

const ran = (page: Page) => page.evaluate('window.__replRuns ?? 0');

describe('the REPL, routed to one tab', () => {
  it('returns 2 for 1+1 from the chosen tab only, with two tabs open', async () => {
    const plain = await callTool(client, 'repl_execute', { code: '1+1', sessionId: firstId });
    expect(plain).toMatchObject({ ok: true, value: 2, sessionId: firstId });
    // A comma expression: counts the runs in the tab, then gives 1 + 1.
    const code = '(window.__replRuns = (window.__replRuns ?? 0) + 1, 1 + 1)';
    const result = await client.callTool({ name: 'repl_execute', arguments: { code, sessionId: firstId } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      ok: true,
      value: 2,
      type: 'number',
      sessionId: firstId,
      chosen: 'given',
    });
    expect((result.content as { text: string }[])[0]?.text).toContain(`session ${firstId}`);
    expect(await ran(first)).toBe(1);
    expect(await ran(second)).toBe(0);
  });

  it('picks the most recently active visible tab when none is given, and says which', async () => {
    await second.bringToFront();
    const result = await callTool(client, 'repl_execute', {
      code: 'window.__replRuns = (window.__replRuns ?? 0) + 1; return document.title',
    });
    expect(result.chosen).toMatch(/^most-recent/);
    const page = result.sessionId === firstId ? first : second;
    expect(result.value).toBe(await page.title());
    const total = Number(await ran(first)) + Number(await ran(second));
    expect(total).toBe(2); // once in the chosen tab, on top of the first test's run
  });

  it('awaits promises and returns thrown errors with their stack, to the caller', async () => {
    const awaited = await callTool(client, 'repl_execute', {
      code: 'await new Promise((r) => setTimeout(() => r({ a: [1, 2] }), 10))',
      sessionId: secondId,
    });
    expect(awaited.value).toEqual({ a: [1, 2] });
    const thrown = await client.callTool({
      name: 'repl_execute',
      arguments: { code: 'throw new TypeError("nope")', sessionId: secondId },
    });
    expect(thrown.isError).toBe(true);
    expect(thrown.structuredContent).toMatchObject({ ok: false, error: { name: 'TypeError', message: 'nope' } });
    const unknown = await client.callTool({
      name: 'repl_execute',
      arguments: { code: '1', sessionId: 'no-such-session' },
    });
    expect(unknown.isError).toBe(true);
  });

  it('answers over /api too, and refuses bad input with a 400 saying what to fix', async () => {
    const res = await post(`${rig.server.url}/api/telemetry/repl`, { code: '1+1', sessionId: firstId });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, value: 2, sessionId: firstId });
    const bad = await post(`${rig.server.url}/api/telemetry/repl`, { code: '' });
    expect(bad.status).toBe(400);
    const query = await fetch(`${rig.server.url}/api/proxy/requests?status=6xx`);
    expect(query.status).toBe(400);
    expect((await json(query)).error).toContain('status must be');
    expect((await fetch(`${rig.server.url}/api/telemetry/console?limit=5000`)).status).toBe(400);
    expect((await fetch(`${rig.server.url}/api/timeline?since=yesterday`)).status).toBe(400);
  });

  it('reloads and navigates a tab', async () => {
    const reloaded = first.waitForEvent('load');
    await callTool(client, 'browser_refresh', { sessionId: firstId });
    await reloaded;
    expect(await ran(first)).toBe(0); // a fresh page
    await callTool(client, 'browser_navigate', { sessionId: secondId, url: '/' });
    await second.waitForURL(rig.proxyUrl);
    expect(await second.title()).toBe('Fixture app');
  });

  it('reloads and navigates over /api too (`-` for the default tab)', async () => {
    const third = await rig.open('/other?tab=third');
    const thirdId = await sessionAt('/other?tab=third');
    const navigated = await post(`${rig.server.url}/api/telemetry/sessions/${thirdId}/navigate`, {
      url: '/?tab=third',
    });
    expect(navigated.status).toBe(200);
    expect(await json(navigated)).toMatchObject({ ok: true, sessionId: thirdId, chosen: 'given' });
    await third.waitForURL(new URL('/?tab=third', rig.proxyUrl).href, { timeout: WAIT_MS });
    await sessionAt('/?tab=third', [thirdId]);
    const refreshed = await post(`${rig.server.url}/api/telemetry/sessions/-/refresh`, {});
    expect(refreshed.status).toBe(200);
    expect(await json(refreshed)).toMatchObject({ ok: true, chosen: expect.stringMatching(/^most-recent/) });
    const gone = await post(`${rig.server.url}/api/telemetry/sessions/no-such-session/refresh`, {});
    expect(gone.status).toBe(404);
    await third.close();
  });
});

describe('the timeline', () => {
  it('joins log lines, requests, page errors and console lines of the process by time', async () => {
    await readUntil(client, 'telemetry://errors', (e) => e.length > 0, WAIT_MS, 'page errors');
    const { entries } = await callTool(client, 'timeline', { processId: rig.processId, limit: 1000 });
    const kinds = new Set(entries.map((e: { kind: string }) => e.kind));
    expect([...kinds].sort()).toEqual(['console', 'log', 'page-error', 'request']);
    const times = entries.map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(entries.every((e: { processId: string }) => e.processId === rig.processId)).toBe(true);
    const api = await json(await fetch(`${rig.server.url}/api/timeline?processId=${rig.processId}&limit=5`));
    expect(api.entries).toHaveLength(5);
  });
});

describe('when the dev server stops', () => {
  it('stops its proxy and drops the mapping', async () => {
    await callTool(client, 'scripts_stop', { processId: rig.processId });
    await readUntil(client, 'proxy://mappings', (m) => m.length === 0, WAIT_MS, 'the mapping gone');
    await until(
      async () =>
        fetch(rig.proxyUrl).then(
          () => false,
          () => true,
        ),
      WAIT_MS,
      'the proxy port closed',
    );
    const status = await readJson(client, 'processes://active');
    expect(status).toEqual([]);
  });
});
