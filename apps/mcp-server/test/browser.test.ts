// The browser half end to end: the fixture dev server runs as a script of a fixture project, the
// server puts a proxy in front of the URL it prints, Chromium opens the proxy URL, and everything the
// page does reaches the MCP resources (read with the official SDK client), tools and /api.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Notification } from '@modelcontextprotocol/sdk/types.js';
import {
  BrowserErrorDetectedSchema,
  BrowserStreamDataSchema,
  ConsoleEntryListSchema,
  ErrorGroupListSchema,
  NetworkFailureListSchema,
  PageSessionListSchema,
  ProcessListSchema,
  ProxyMappingListSchema,
  ProxyRequestListSchema,
  TimelineSchema,
} from '@ws/events';
import { until } from '@ws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/startServer.js';
import { BOOM_LINE, type BrowserRig, callTool, readJson, readUntil, startBrowserRig } from './browserHarness.js';
import { json, WAIT_MS } from './helpers.js';

let rig: BrowserRig;
let server: RunningServer;
let client: Client;
let notes: Notification[];
let processId: string;
let proxyUrl: string;

beforeAll(async () => {
  rig = await startBrowserRig({ redactHeaders: ['x-api-key'] });
  ({ server, client, notes, processId, proxyUrl } = rig);
  for (const uri of ['telemetry://errors', 'proxy://requests', 'telemetry://sessions'])
    await client.subscribeResource({ uri });
}, 60_000);

afterAll(() => rig?.close());

const openPage = (path = '') => rig.open(path);

describe('the dev server behind its proxy', () => {
  it('shows the proxy URL beside the dev URL in scripts_status and processes://active', async () => {
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await callTool(client, 'scripts_status', { processId });
    expect(status.process.urls[0]).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(status.process.proxyUrl).toBe(proxyUrl);
    const active = await readJson(client, 'processes://active');
    expect(active.find((p: { id: string }) => p.id === processId).proxyUrl).toBe(proxyUrl);
  });

  it('fills every resource from the page: errors mapped to the source, console, sessions, requests', async () => {
    const page = await openPage();
    // page.evaluate (CDP) rather than waitForFunction, whose string predicate the page's CSP forbids.
    await until(
      async () =>
        (await page.evaluate('window.fixture?.failStatus === 500 && window.fixture.socketMessages.length > 0')) ===
        true,
      WAIT_MS,
      'the page done: API calls answered, a WebSocket message back',
    );
    expect(await page.evaluate('window.fixture.socketMessages')).toEqual(['echo:hello']);

    const errors = await readUntil(
      client,
      'telemetry://errors',
      (e) =>
        e.some((g: { message: string }) => g.message === 'fixture boom') &&
        e.some((g: { kind: string }) => g.kind === 'rejection'),
      WAIT_MS,
      'the thrown error and the rejection',
    );
    const boom = errors.find((g: { message: string }) => g.message === 'fixture boom');
    expect(boom).toMatchObject({
      name: 'Error',
      file: 'src/app.ts',
      line: BOOM_LINE,
      mapping: 'mapped',
      count: 1,
      processId,
    });
    expect(boom.stack).toContain(`src/app.ts:${BOOM_LINE}:`);
    expect(errors.find((g: { kind: string }) => g.kind === 'rejection').message).toBe('fixture rejection');

    const consoleErrors = await readUntil(
      client,
      'telemetry://console-errors',
      (c) => c.length > 0,
      WAIT_MS,
      'console.error',
    );
    expect(consoleErrors[0]).toMatchObject({ level: 'error', text: 'fixture error line', processId });
    const levels = await json(await fetch(`${server.url}/api/telemetry/console?limit=100`));
    const pageLevels = new Set(
      levels.entries.filter((e: { source: string }) => e.source === 'page').map((e: { level: string }) => e.level),
    );
    expect([...pageLevels].sort()).toEqual(expect.arrayContaining(['debug', 'error', 'info', 'log', 'warn']));

    const sessions = await readJson(client, 'telemetry://sessions');
    expect(sessions[0]).toMatchObject({ title: 'Fixture app', url: proxyUrl, state: 'open', processId });

    const requests = await readUntil(
      client,
      'proxy://requests',
      (r) => r.some((x: { url: string; pending: boolean }) => x.url === '/api/fail' && !x.pending),
      WAIT_MS,
      'the failing API call recorded',
    );
    const fail = requests.find((r: { url: string }) => r.url === '/api/fail');
    expect(fail).toMatchObject({
      method: 'GET',
      status: 500,
      processId,
      failed: false,
      contentType: 'application/json',
    });
    expect(fail.durationMs).toBeGreaterThan(0);
    let failures: { status: number }[] = [];
    await until(
      async () => {
        ({ failures } = await json(await fetch(`${server.url}/api/telemetry/network`)));
        return failures.length > 0;
      },
      WAIT_MS,
      'the failed fetch reported by the page',
    );
    expect(failures[0]).toMatchObject({ via: 'fetch', method: 'GET', status: 500, requestId: fail.id, processId });
    const page1 = requests.find((r: { url: string }) => r.url === '/');
    expect(page1.injection.injected).toBe(true);
    expect(page1.injection.notes.join(' ')).toContain('nonce');
    await page.close();
  });

  it('redacts secrets in recorded headers (authorization, cookies, configured names)', async () => {
    const { requests } = await json(await fetch(`${server.url}/api/proxy/requests?url=/api/data`));
    const data = requests[0];
    expect(data.requestHeaders.authorization).toBe('[redacted]');
    expect(data.requestHeaders['x-api-key']).toBe('[redacted]');
    expect(data.responseHeaders['set-cookie']).toEqual(['[redacted]']);
    expect(JSON.stringify(requests)).not.toContain('page-secret-token');
    expect(JSON.stringify(requests)).not.toContain('server-secret-cookie');
  });

  it('passes the page WebSocket through the proxy and records it', async () => {
    const ws = await callTool(client, 'proxy_requests', { url: '/ws' });
    expect(ws.requests[0]).toMatchObject({ kind: 'websocket', status: 101, processId });
    const filtered = await callTool(client, 'proxy_requests', { status: ['5xx'] });
    expect(filtered.requests.length).toBeGreaterThan(0);
    expect(filtered.requests.every((r: { status: number }) => r.status >= 500)).toBe(true);
  });

  it('answers /api and /stream in the shapes of the @ws/events schemas the dashboard validates with', async () => {
    const get = async (path: string) => json(await fetch(`${server.url}/api/${path}`));
    ProxyMappingListSchema.parse(await get('proxy/mappings'));
    ProxyRequestListSchema.parse(await get('proxy/requests?limit=1000'));
    PageSessionListSchema.parse(await get('telemetry/sessions'));
    ErrorGroupListSchema.parse(await get('telemetry/errors'));
    ConsoleEntryListSchema.parse(await get('telemetry/console?limit=1000'));
    NetworkFailureListSchema.parse(await get('telemetry/network'));
    TimelineSchema.parse(await get(`timeline?processId=${processId}&limit=1000`));
    ProcessListSchema.parse(await get('processes'));
    const kinds = new Set<string>();
    for (const channel of ['proxy', 'browser']) {
      const { messages } = await get(`history?channel=${channel}&limit=1000`);
      for (const m of messages) kinds.add(BrowserStreamDataSchema.parse(m.data).kind);
    }
    expect([...kinds].sort()).toEqual(['console', 'error', 'mapping', 'request', 'session']);
    const { messages } = await get('history?channel=errors&limit=100');
    const browserErrors = messages.filter(
      (m: { data: { params: { source?: string } } }) => m.data.params.source === 'browser',
    );
    expect(browserErrors.length).toBeGreaterThan(0);
    for (const m of browserErrors) BrowserErrorDetectedSchema.parse(m.data.params);
  });

  it('sends browser errors as notifications/error/detected, on /stream and as resources/updated', async () => {
    const isBoom = (n: Notification) =>
      n.method === 'notifications/error/detected' &&
      n.params?.source === 'browser' &&
      (n.params?.error as { message?: string })?.message === 'Error: fixture boom';
    await until(() => notes.some(isBoom), WAIT_MS, 'the browser error notification');
    const detected = notes.find(isBoom);
    expect(detected?.params).toMatchObject({ processId, source: 'browser', error: { file: 'src/app.ts' } });
    expect(typeof detected?.params?.pageSessionId).toBe('string');
    // resources/updated is coalesced, so it may come a moment after the notification.
    await until(
      () => notes.some((n) => n.method === 'notifications/resources/updated' && n.params?.uri === 'telemetry://errors'),
      WAIT_MS,
      'resources/updated for telemetry://errors',
    );
    const history = await json(await fetch(`${server.url}/api/history?channel=errors&limit=50`));
    expect(JSON.stringify(history)).toContain('"source":"browser"');
  });
});
