// Chromium (Debian's, through playwright-core) against a node:http dev server that inlines the page
// script the way the proxy injects it (<script nonce> under the page's CSP) and routes
// /__webstream/* to the collector.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type ConsoleEntry,
  createTelemetry,
  errorDetectedParams,
  type Telemetry,
  type TelemetryEvent,
  type TelemetryOptions,
} from '../src/index.js';
import { buildFixture, type FixtureServer, launchBrowser, markerLine, startFixtureServer, waitFor } from './harness.js';

type Fixture = {
  logAll(): void;
  throwLater(label?: string): void;
  renderLoop(times: number): void;
  rejectLater(): void;
  failFetch(): Promise<number>;
  dropFetch(): Promise<string>;
  failXhr(): Promise<number>;
  flood(lines: number): number;
};
declare const fixture: Fixture;

let browser: Browser;
let bundle: { js: string; map: string };
let telemetry: Telemetry;
let server: FixtureServer;
let context: BrowserContext;
let events: TelemetryEvent[];

beforeAll(async () => {
  bundle = await buildFixture();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  await server?.close();
  telemetry?.close();
});

async function setup(options: TelemetryOptions = {}) {
  events = [];
  telemetry = createTelemetry({ ...options, onEvent: (event) => events.push(event) });
  server = await startFixtureServer(telemetry, bundle);
  context = await browser.newContext();
}

/** Opens a page and waits until the collector knows its session (and, with the REPL on, its stream). */
async function open(path = '/', stream = true): Promise<{ page: Page; id: string }> {
  const page = await context.newPage();
  await page.goto(server.url + path);
  const id = await page.evaluate(
    () => (window as unknown as { __webstream: { sessionId: string } }).__webstream.sessionId,
  );
  await waitFor(
    () => {
      const session = telemetry.session(id);
      return session && (!stream || session.commandStream);
    },
    `session ${id}${stream ? ' with its command stream' : ''}`,
  );
  return { page, id };
}

describe('page telemetry in Chromium', () => {
  test('console calls at every level arrive as lines, arguments serialized safely', async () => {
    await setup();
    const { page, id } = await open();
    await page.evaluate(() => fixture.logAll());
    const entries = await waitFor(() => {
      const list = telemetry.consoleEntries({ sessionId: id });
      return list.length >= 9 && list;
    }, 'nine console lines');
    const byText = (start: string) => entries.find((entry) => entry.text.startsWith(start));
    expect(new Set(entries.map((entry) => entry.level))).toEqual(
      new Set(['debug', 'log', 'info', 'warn', 'error', 'trace']),
    );
    expect(byText('debug line')).toMatchObject({ level: 'debug', text: 'debug line 1', source: 'page' });
    expect(byText('log line')?.text).toBe('log line {"a":1,"nested":{"b":[1,2,3]}}');
    expect(byText('info')?.text).toBe('info formatted and 42');
    expect(byText('warn line')?.level).toBe('warn');
    expect(byText('error line')?.text).toContain('"message":"inner problem"');
    expect(byText('trace line')?.text).toContain('logAll');
    expect(byText('Assertion failed')).toMatchObject({ level: 'error', text: 'Assertion failed: assertion message' });
    expect(byText('node')?.text).toBe('node <h1 id="title" class="big heading">');
    expect(byText('cycle')?.text).toBe('cycle {"name":"cyclic","self":"[Circular]"}');
    const consoleErrors = events.filter((event) => event.type === 'console-error');
    expect(consoleErrors.map((event) => event.type === 'console-error' && event.entry.text.slice(0, 16))).toEqual([
      'error line {"nam',
      'Assertion failed',
    ]);
    expect(telemetry.consoleEntries({ sessionId: id, minLevel: 'warn' }).map((entry) => entry.level)).toEqual([
      'error',
      'error',
      'warn',
    ]);
  });

  test('hostile values: getters that log or throw, proxies, huge strings; nothing recurses or reaches the page', async () => {
    await setup();
    const { page, id } = await open();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.evaluate(() => {
      const noisy = {
        get loud() {
          console.log('from a getter');
          return 1;
        },
        get broken() {
          throw new Error('getter failed');
        },
      };
      console.log('hostile', noisy, 'y'.repeat(100_000));
      const trap = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('trap');
          },
        },
      );
      console.warn('proxy', trap);
      console.log('after');
    });
    const entries = await waitFor(() => {
      const list = telemetry.consoleEntries({ sessionId: id });
      return list.some((entry) => entry.text === 'after') && list;
    }, 'the last line');
    const hostile = entries.find((entry) => entry.text.startsWith('hostile'));
    expect(hostile?.text).toContain('"loud":1');
    expect(hostile?.text).toContain('"broken":"[Thrown: getter failed]"');
    expect(hostile?.truncated).toBe(true);
    expect(hostile?.text.length).toBeLessThan(6000);
    // The getter's own console.log ran inside the capture: passed through to the console, not captured.
    expect(entries.some((entry) => entry.text === 'from a getter')).toBe(false);
    expect(entries.find((entry) => entry.text.startsWith('proxy'))?.text).toBe('proxy [unserializable: trap]');
    expect(pageErrors).toEqual([]);
    expect(telemetry.errors()).toEqual([]);
    expect(server.refused).toEqual([]);
  });

  test('an uncaught error and a rejected promise are mapped to the original source through the served map', async () => {
    await setup();
    const { page, id } = await open();
    await page.evaluate(() => {
      fixture.throwLater();
      fixture.rejectLater();
    });
    const groups = await waitFor(() => telemetry.errors().length === 2 && telemetry.errors(), 'two error groups');
    const thrown = groups.find((group) => group.kind === 'error');
    const rejected = groups.find((group) => group.kind === 'rejection');
    expect(thrown).toMatchObject({
      name: 'TypeError',
      message: 'widget exploded: once',
      file: 'src/widget.ts',
      line: markerLine('src/widget.ts', 'THROW_MARKER'),
      mapping: 'mapped',
      count: 1,
      sessions: [id],
    });
    expect(thrown?.frames[0]?.function).toBe('explode');
    expect(thrown?.frames[0]?.raw.url).toBe(`${server.url}/dist/app.js`);
    expect(thrown?.rawStack).toMatch(/dist\/app\.js:1:\d+/);
    expect(thrown?.stack).toContain(`at explode (src/widget.ts:${markerLine('src/widget.ts', 'THROW_MARKER')}:`);
    expect(rejected).toMatchObject({
      name: 'RangeError',
      message: 'widget rejected',
      file: 'src/widget.ts',
      line: markerLine('src/widget.ts', 'REJECT_MARKER'),
      mapping: 'mapped',
    });
    const first = events.find((event) => event.type === 'error' && event.group.kind === 'error');
    expect(first).toMatchObject({ type: 'error', first: true, sessionId: id });
    if (first?.type !== 'error') throw new Error('no error event');
    expect(errorDetectedParams(first.group, id)).toMatchObject({
      processId: 'browser',
      source: 'browser',
      sessionId: id,
      error: {
        message: 'TypeError: widget exploded: once',
        file: 'src/widget.ts',
        line: markerLine('src/widget.ts', 'THROW_MARKER'),
      },
    });
  });

  test('a render loop throwing 1,000 times is one group with count 1000', async () => {
    await setup();
    const { page } = await open();
    await page.evaluate(() => fixture.renderLoop(1000));
    const group = await waitFor(() => telemetry.errors()[0]?.count === 1000 && telemetry.errors()[0], 'count 1000');
    expect(telemetry.errors()).toHaveLength(1);
    expect(group).toMatchObject({ message: 'widget exploded: render loop', file: 'src/widget.ts' });
    expect(events.filter((event) => event.type === 'error')).toHaveLength(1);
  });

  test('failed fetch and XHR are reported, linked to the proxy record by x-webstream-request-id', async () => {
    await setup();
    const { page, id } = await open();
    expect(await page.evaluate(() => fixture.failFetch())).toBe(500);
    expect(await page.evaluate(() => fixture.dropFetch())).toBe('TypeError: Failed to fetch');
    expect(await page.evaluate(() => fixture.failXhr())).toBe(500);
    const failures = await waitFor(
      () => telemetry.networkFailures().length === 3 && telemetry.networkFailures(),
      'three failures',
    );
    expect(failures.find((failure) => failure.via === 'fetch' && failure.status === 500)).toMatchObject({
      method: 'GET',
      url: `${server.url}/api/fail`,
      requestId: 'req-42',
      sessionId: id,
      pageUrl: `${server.url}/`,
    });
    expect(failures.find((failure) => failure.status === 0)).toMatchObject({ via: 'fetch', error: 'Failed to fetch' });
    expect(failures.find((failure) => failure.via === 'xhr')).toMatchObject({
      method: 'POST',
      status: 500,
      requestId: 'req-42',
      url: `${server.url}/api/fail?via=xhr`,
    });
    expect(telemetry.networkFailures({ requestId: 'req-42' })).toHaveLength(2);
    expect(events.filter((event) => event.type === 'network-error')).toHaveLength(3);
    // The page's own requests to the collector are never reported.
    expect(failures.some((failure) => failure.url.includes('/__webstream/'))).toBe(false);
  });

  test('sessions: visible, hidden, focus, and closed on pagehide', async () => {
    await setup();
    const { page, id } = await open();
    expect(telemetry.session(id)).toMatchObject({
      visibility: 'visible',
      state: 'open',
      title: 'Fixture',
      url: `${server.url}/`,
    });
    // Headless Chromium keeps every page visible: the page's state is overridden and the real event dispatched.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => telemetry.session(id)?.visibility === 'hidden', 'hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => telemetry.session(id)?.visibility === 'visible', 'visible again');
    await page.evaluate(() => {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    });
    await waitFor(() => telemetry.session(id)?.focused === false, 'blurred');
    await page.close();
    const closed = await waitFor(() => telemetry.session(id)?.state === 'closed' && telemetry.session(id), 'closed');
    expect(closed).toMatchObject({ closeReason: 'pagehide', commandStream: false });
    expect(events.map((event) => event.type).filter((type) => type.startsWith('session'))).toEqual([
      'session-started',
      'session-ended',
    ]);
  });
});

describe('REPL routed to one tab', () => {
  test('1+1 runs in the chosen tab only (two tabs open), once; the default is the most recently active visible tab', async () => {
    await setup();
    const a = await open('/');
    const b = await open('/plain');
    const code = '(window.hits = (window.hits || 0) + 1), 1 + 1';
    const onB = await telemetry.repl.execute({ sessionId: b.id, code });
    expect(onB).toMatchObject({ ok: true, value: 2, type: 'number', sessionId: b.id, chosen: 'given', title: 'Plain' });
    expect(await a.page.evaluate(() => (window as unknown as { hits?: number }).hits)).toBeUndefined();
    expect(await b.page.evaluate(() => (window as unknown as { hits?: number }).hits)).toBe(1);
    // Tab A has a CSP without 'unsafe-eval': the code runs through a script element with the nonce.
    const onA = await telemetry.repl.execute({ sessionId: a.id, code });
    expect(onA).toMatchObject({ ok: true, value: 2, sessionId: a.id, title: 'Fixture' });
    expect(await a.page.evaluate(() => (window as unknown as { hits?: number }).hits)).toBe(1);
    expect(await b.page.evaluate(() => (window as unknown as { hits?: number }).hits)).toBe(1);
    // Focus, as headless Chromium cannot move it between pages: each tab says whether it has it.
    const blur = () => {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    };
    await a.page.evaluate(blur);
    await b.page.evaluate(blur);
    await waitFor(() => telemetry.sessions().every((session) => !session.focused), 'both tabs blurred');
    for (const [tab, other] of [
      [a, b],
      [b, a],
    ] as const) {
      await other.page.evaluate(blur);
      await tab.page.evaluate(() => {
        document.hasFocus = () => true;
        window.dispatchEvent(new Event('focus'));
      });
      await waitFor(() => telemetry.sessions()[0]?.id === tab.id, 'the focused tab first');
      const chosen = await telemetry.repl.execute({ code: 'location.pathname' });
      expect(chosen).toMatchObject({ ok: true, sessionId: tab.id, chosen: 'most-recent-visible' });
    }
  });

  test('await, a thrown error with its stack, statements, a syntax error, a timeout and its late answer', async () => {
    await setup();
    for (const path of ['/', '/plain']) {
      const { page, id } = await open(path);
      const awaited = await telemetry.repl.execute({
        sessionId: id,
        code: 'await new Promise((resolve) => setTimeout(() => resolve({ answer: 42, when: "later" }), 50))',
      });
      expect(awaited).toMatchObject({ ok: true, value: { answer: 42, when: 'later' }, type: 'Object' });
      const thrown = await telemetry.repl.execute({ sessionId: id, code: 'null.boom' });
      expect(thrown).toMatchObject({ ok: false, code: 'thrown', error: { name: 'TypeError' } });
      if (thrown.ok) throw new Error('expected a failure');
      expect(thrown.message).toContain("Cannot read properties of null (reading 'boom')");
      expect(thrown.error?.stack).toContain('TypeError');
      const custom = await telemetry.repl.execute({ sessionId: id, code: 'throw new RangeError("out of range")' });
      expect(custom).toMatchObject({ ok: false, code: 'thrown', message: 'RangeError: out of range' });
      const statements = await telemetry.repl.execute({ sessionId: id, code: 'const x = 20;\nreturn x + 1;' });
      expect(statements).toMatchObject({ ok: true, value: 21 });
      const syntax = await telemetry.repl.execute({ sessionId: id, code: '1 +' });
      expect(syntax).toMatchObject({ ok: false, code: 'thrown', error: { name: 'SyntaxError' } });
      const dom = await telemetry.repl.execute({ sessionId: id, code: 'document.getElementById("title")' });
      expect(dom).toMatchObject({ ok: true, value: '<h1 id="title" class="big heading">', type: 'HTMLHeadingElement' });
      const refused = telemetry.stats().refusedAnswers;
      const slow = await telemetry.repl.execute({
        sessionId: id,
        code: 'await new Promise((resolve) => setTimeout(resolve, 400)); "late"',
        timeoutMs: 100,
      });
      expect(slow).toMatchObject({ ok: false, code: 'timeout', sessionId: id });
      if (slow.ok) throw new Error('expected a timeout');
      expect(slow.message).toContain('within 100 ms');
      await waitFor(() => telemetry.stats().refusedAnswers === refused + 1, 'the late answer refused');
      expect(telemetry.stats().pendingCommands).toBe(0);
      // The syntax error of the nonce path is not a page error.
      expect(telemetry.errors()).toEqual([]);
      await page.close();
    }
  });

  test('refresh and navigate go over the same channel', async () => {
    await setup();
    const { id } = await open('/');
    const refreshed = await telemetry.repl.refresh(id);
    expect(refreshed).toMatchObject({ ok: true, sessionId: id });
    const reloaded = await waitFor(
      () => telemetry.sessions().find((session) => session.id !== id && session.commandStream),
      'the reloaded page',
    );
    expect(reloaded).toMatchObject({ url: `${server.url}/`, state: 'open' });
    await waitFor(() => telemetry.session(id)?.state === 'closed', 'the first load closed');
    const navigated = await telemetry.repl.navigate(undefined, '/other');
    expect(navigated).toMatchObject({ ok: true, sessionId: reloaded.id, value: `${server.url}/other` });
    const other = await waitFor(
      () => telemetry.sessions().find((session) => session.title === 'Other'),
      'the other page',
    );
    expect(other.url).toBe(`${server.url}/other`);
    expect(await telemetry.repl.navigate(other.id, 'javascript:alert(1)')).toMatchObject({
      ok: false,
      code: 'invalid',
    });
  });

  test('with the REPL off the page never opens the command stream', async () => {
    await setup({ repl: false });
    const { page, id } = await open('/', false);
    await page.evaluate(() => console.log('first'));
    await waitFor(() => telemetry.consoleEntries({ search: 'first' })[0], 'first line');
    await page.evaluate(() => console.log('second'));
    await waitFor(() => telemetry.consoleEntries({ search: 'second' })[0], 'second line');
    expect(server.requests.some((path) => path.includes('/commands'))).toBe(false);
    expect(telemetry.session(id)?.commandStream).toBe(false);
    expect(await telemetry.repl.execute({ code: '1+1' })).toMatchObject({ ok: false, code: 'disabled' });
  });
});

describe('a page that floods', () => {
  test('10,000 console lines in a loop: the page does not freeze, the server stays responsive, stores stay bounded, drops are counted', async () => {
    await setup({ maxConsoleEntries: 50 });
    let note: ConsoleEntry | undefined;
    // The note is the newest line when its event goes out (later lines may evict it from the small store).
    telemetry.onEvent((event) => {
      if (event.type === 'dropped') note = telemetry.consoleEntries({ limit: 1 })[0];
    });
    const { page, id } = await open();
    const loopMs = await page.evaluate(() => fixture.flood(10_000));
    // The browser's own console (recorded by the DevTools protocol here) costs most of the loop; the
    // page script adds a bounded share. Baseline: the same loop on the same app without the script.
    const bare = await context.newPage();
    await bare.goto(`${server.url}/bare`);
    const bareMs = await bare.evaluate(() => fixture.flood(10_000));
    await bare.close();
    expect(loopMs).toBeLessThan(bareMs * 2 + 500);
    const started = Date.now();
    const health = await fetch(`${server.url}/health`);
    expect(await health.text()).toBe('ok');
    expect(Date.now() - started).toBeLessThan(1000);
    const session = await waitFor(() => {
      const current = telemetry.session(id);
      return current && current.counts.console + current.counts.droppedOnPage === 10_000 && current;
    }, 'every line accounted for');
    expect(session.counts.droppedOnPage).toBeGreaterThan(9000);
    const drops = events.filter((event) => event.type === 'dropped');
    expect(drops.every((event) => event.type === 'dropped' && event.where === 'page')).toBe(true);
    const dropped = drops.reduce((sum, event) => sum + (event.type === 'dropped' ? event.counts.console : 0), 0);
    expect(dropped).toBe(session.counts.droppedOnPage);
    expect(note?.text).toMatch(/^webstream: the page dropped \d+ console calls \(over its per-second budget\)$/);
    const stats = telemetry.stats();
    expect(stats.consoleEntries).toBeLessThanOrEqual(50);
    expect(stats.evictedConsoleEntries).toBeGreaterThan(0);
    // The page is still usable and still reporting.
    expect(await telemetry.repl.execute({ sessionId: id, code: '1 + 1' })).toMatchObject({ ok: true, value: 2 });
  });
});
