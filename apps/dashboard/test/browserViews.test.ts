// The Requests, Page and Timeline views and the REPL box in real Chromium, on a real server whose
// runner starts the devapp fixture; a second Chromium page opened through the proxy makes real
// traffic, a real page session, real console lines and a real source-mapped error.
import { readFileSync, realpathSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { connected, cspViolations, fixtureProject, useDashboard } from './harness.js';

const { open, newPage } = useDashboard();
/** The line of src/app.ts that throws. */
const THROW_LINE =
  readFileSync(new URL('./fixtures/devapp/src/app.ts', import.meta.url), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('THROWS HERE')) + 1;
const WAIT = { timeout: 15_000 };

/** Runs the fixture's dev script from the dashboard and resolves with the proxy URL it shows. */
async function startDevApp(dashboard: Page): Promise<string> {
  await connected(dashboard);
  await dashboard.locator('button[data-run="dev"]').click();
  const link = dashboard.locator('#proxy-mappings a.proxy-url').first();
  await link.waitFor({ ...WAIT, state: 'attached' });
  const href = (await link.getAttribute('href')) as string;
  expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  // The process list offers the proxy URL too.
  await dashboard.locator(`#processes a.proxy-url[href="${href}"]`).waitFor({ ...WAIT, state: 'attached' });
  return href;
}

async function openApp(proxyUrl: string): Promise<Page> {
  const app = await newPage();
  await app.goto(proxyUrl);
  return app;
}

/** What the page reported: a schema mismatch or a failed call would be said in one of these. */
const problems = (page: Page) =>
  page.$$eval('#notice, #requests-note, #page-note, #timeline-note', (els) =>
    els.map((e) => e.textContent).filter((t) => t),
  );

const rowTexts = (page: Page) =>
  page.$$eval('#requests-body tr.request', (rows) =>
    rows.map(
      (r) =>
        `${r.querySelector('.status')?.textContent} ${r.querySelector('.method')?.textContent} ${r.querySelector('.url')?.textContent}`,
    ),
  );

it('lists proxied requests live with status colours and durations, filters them, and shows details with redacted headers and recorded bodies', async () => {
  const { page, errors, server } = await open(['--record-bodies'], undefined, fixtureProject('devapp'));
  const proxyUrl = await startDevApp(page);
  await openApp(proxyUrl);
  // Live from the stream's proxy channel: the page's own requests, each with its status class.
  await page.locator('#requests-body tr[data-status="5xx"]').waitFor(WAIT);
  await page
    .locator('#requests-body tr[data-status="2xx"] button[data-request]', { hasText: '/api/items' })
    .waitFor(WAIT);
  const rows = await rowTexts(page);
  expect(rows).toEqual(
    expect.arrayContaining([
      '200 GET /',
      '200 GET /app.js',
      '404 GET /api/missing',
      '500 GET /api/boom',
      '201 POST /api/items',
    ]),
  );
  expect(await page.locator('#requests-body tr[data-status="4xx"] .url').allTextContents()).toContain('/api/missing');
  const durations = await page.$$eval('#requests-body tr.request td.num:nth-child(4)', (cells) =>
    cells.map((c) => c.textContent),
  );
  for (const d of durations) expect(d).toMatch(/^\d+ ms$|^\d+\.\d\d s$/);
  // Status colours differ by class.
  const colour = (cls: string) =>
    page.$eval(`#requests-body tr[data-status="${cls}"] td.status`, (td) => getComputedStyle(td).color);
  expect(new Set([await colour('2xx'), await colour('4xx'), await colour('5xx')]).size).toBe(3);

  // Filters: status classes, method, URL text, process.
  await page.locator('input[name="request-status"][value="2xx"]').uncheck();
  await page.locator('input[name="request-status"][value="3xx"]').uncheck();
  await page.waitForFunction(() => !document.querySelector('#requests-body tr[data-status="2xx"]'));
  expect(
    new Set(await page.$$eval('#requests-body tr.request', (r) => r.map((e) => e.getAttribute('data-status')))),
  ).toEqual(new Set(['4xx', '5xx']));
  await page.locator('input[name="request-status"][value="2xx"]').check();
  await page.locator('input[name="request-status"][value="3xx"]').check();
  await page.locator('#request-method').selectOption('POST');
  await page.waitForFunction(() => document.querySelectorAll('#requests-body tr.request').length === 1);
  expect(await rowTexts(page)).toEqual(['201 POST /api/items']);
  await page.locator('#request-method').selectOption('');
  await page.locator('#request-url').fill('MISS');
  await page.waitForFunction(() => document.querySelectorAll('#requests-body tr.request').length === 1);
  expect(await rowTexts(page)).toEqual(['404 GET /api/missing']);
  await page.locator('#request-url').fill('');
  const processId = (await page.locator('#processes li.status-running').getAttribute('data-id')) as string;
  await page.locator('#request-process').selectOption(processId);
  await page.waitForFunction(() => document.querySelectorAll('#requests-body tr.request').length >= 5);
  expect(await page.locator('#requests-body td.process').allTextContents()).toEqual(
    expect.arrayContaining([processId]),
  );
  expect(new Set(await page.locator('#requests-body td.process').allTextContents())).toEqual(new Set([processId]));

  // Details by keyboard: secrets redacted, in both directions; Escape closes. A live redraw (a new
  // request arriving) leaves the keyboard focus where it was.
  await page.locator('#requests-body button[data-request]', { hasText: '/api/items' }).focus();
  await fetch(`${proxyUrl}api/missing?while=focused`);
  await page.locator('#requests-body button[data-request]', { hasText: 'while=focused' }).waitFor(WAIT);
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('/api/items');
  await page.keyboard.press('Enter');
  await page.locator('#request-details').waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('request-details-title');
  expect(await page.locator('#request-details-title').textContent()).toBe('POST /api/items');
  const header = (name: string) =>
    page.locator('#request-details table.headers tr', { has: page.locator(`th:text-is("${name}")`) }).locator('td');
  expect(await header('authorization').textContent()).toBe('[redacted]');
  expect(await header('set-cookie').textContent()).toBe('[redacted]');
  expect(await header('content-type').first().textContent()).toBe('application/json');
  // --record-bodies: both bodies, as text.
  expect(await page.locator('#request-details pre.body').allTextContents()).toEqual(['{"name":"x"}', '{"id":1}']);
  expect(await page.locator('body').textContent()).not.toContain('fixture-secret');
  expect(await page.locator('body').textContent()).not.toContain('fixture-cookie-secret');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('request-details')?.hidden);

  // A fixed mapping to a port where nothing listens: it shows up live, and its request fails.
  await page.locator('#request-process').selectOption('');
  const target = 'http://127.0.0.1:1/';
  const res = await fetch(`${server.url}/api/proxy/mappings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target }),
  });
  expect(res.status).toBe(201);
  const mapping = page.locator(`#proxy-mappings li[data-target="${target}"]`);
  await mapping.waitFor(WAIT);
  expect(await mapping.locator('.meta').textContent()).toBe('no process · tool');
  await fetch((await mapping.locator('a.proxy-url').getAttribute('href')) as string);
  const failed = page.locator('#requests-body tr[data-status="failed"]');
  await failed.waitFor(WAIT);
  expect(await failed.locator('.status').textContent()).toBe('failed');
  expect(await failed.locator('.status').getAttribute('title')).toMatch(/^connection_refused: /);
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

const sessionOption = (page: Page, title: string) =>
  page.$eval(
    '#repl-session',
    (select, t) => Array.from((select as HTMLSelectElement).options).find((o) => o.text.startsWith(t))?.value,
    title,
  );

it('shows page sessions, the grouped source-mapped error, console lines by level, and the REPL answers from the chosen tab', async () => {
  const { page, errors, project } = await open([], undefined, fixtureProject('devapp'));
  const proxyUrl = await startDevApp(page);
  const app = await openApp(proxyUrl);

  // The error, mapped through the dev server's source map to its line in src/app.ts, with an editor link.
  const error = page.locator('#page-errors li.page-error').first();
  await error.waitFor(WAIT);
  expect(await error.locator('.where').textContent()).toMatch(new RegExp(`^src/app\\.ts:${THROW_LINE}:\\d+$`));
  expect(await error.locator('.where a').getAttribute('href')).toMatch(
    new RegExp(`^vscode://file${realpathSync(project)}/src/app\\.ts:${THROW_LINE}:\\d+$`),
  );
  expect(await error.locator('.what').textContent()).toBe(
    "TypeError: Cannot read properties of undefined (reading 'map')",
  );
  expect(await error.locator('.count').textContent()).toBe('once');
  expect(await error.locator('.frames .frame.mapped a').first().textContent()).toMatch(
    new RegExp(`^src/app\\.ts:${THROW_LINE}:\\d+$`),
  );
  // The same error twice more: still one entry, with its count.
  await app.evaluate(() => {
    const render = (window as unknown as { render: (x: unknown) => void }).render;
    setTimeout(() => render(undefined));
    setTimeout(() => render(undefined), 10);
  });
  await page.waitForFunction(
    () => document.querySelector('#page-errors li.page-error .count')?.textContent === '3×',
    undefined,
    WAIT,
  );
  expect(await page.locator('#page-errors li.page-error').count()).toBe(1);

  // Console lines of every level, newest first; pushed text is text, never HTML.
  await page.locator('#page-console li[data-level="debug"]').waitFor(WAIT);
  expect(await page.locator('#page-console li[data-level="log"] .text').first().textContent()).toBe(
    'page loaded {"answer":42}',
  );
  for (const level of ['info', 'warn', 'error'])
    expect(await page.locator(`#page-console li[data-level="${level}"]`).count()).toBeGreaterThan(0);
  await app.evaluate(() => console.log('<img src=x onerror=alert(1)>'));
  await page.locator('#page-console .text', { hasText: '<img src=x onerror=alert(1)>' }).waitFor(WAIT);
  expect(await page.locator('#page-console img').count()).toBe(0);
  await page.locator('input[name="console-level"][value="log"]').uncheck();
  await page.locator('input[name="console-level"][value="debug"]').uncheck();
  await page.waitForFunction(
    () => !document.querySelector('#page-console li:is([data-level="log"], [data-level="debug"])'),
  );
  expect(
    new Set(await page.$$eval('#page-console li.console-line', (l) => l.map((e) => e.getAttribute('data-level')))),
  ).toEqual(new Set(['info', 'warn', 'error']));

  // The session: title, URL, visible. A second tab, titled apart.
  const session = page.locator('#page-sessions li.session', { hasText: 'Fixture shop' }).first();
  await session.waitFor(WAIT);
  expect(await session.locator('.url').textContent()).toBe(proxyUrl);
  expect(await session.locator('.state').textContent()).toMatch(/^visible/);
  const second = await openApp(proxyUrl);
  await second.evaluate(() => {
    document.title = 'Second tab';
  });
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('#repl-session option')).some((o) =>
        o.textContent?.startsWith('Second tab'),
      ),
    undefined,
    WAIT,
  );

  // REPL: the default (most recent visible) answers 1+1, and says which page it used.
  await page.locator('#repl-code').fill('1+1');
  await page.locator('#repl button[type="submit"]').click();
  await page.locator('#repl-result .repl-value').waitFor(WAIT);
  expect(await page.locator('#repl-result .repl-value').textContent()).toBe('2');
  expect(await page.locator('#repl-result .repl-where').textContent()).toMatch(/\(most recent visible\)$/);
  // A chosen tab answers, and only that one: each tab reports its own title (Ctrl+Enter runs).
  for (const title of ['Fixture shop', 'Second tab']) {
    await page.locator('#repl-session').selectOption((await sessionOption(page, title)) as string);
    await page.locator('#repl-code').fill('document.title');
    await page.locator('#repl-code').press('Control+Enter');
    await page.waitForFunction(
      (t) => document.querySelector('#repl-result .repl-value')?.textContent === JSON.stringify(t),
      title,
      WAIT,
    );
    expect(await page.locator('#repl-result .repl-where').textContent()).toBe(
      `in ${await page.$eval('#repl-session', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)}`,
    );
  }
  // Reload one tab from its session: that page loads again (its title set by script is gone).
  const reloaded = second.waitForEvent('load', WAIT);
  await page.locator('#page-sessions li.session', { hasText: 'Second tab' }).locator('button.reload').click();
  await reloaded;
  expect(await second.title()).toBe('Fixture shop');
  // An error comes back with its stack.
  await page.locator('#repl-code').fill("throw new TypeError('nope')");
  await page.locator('#repl button[type="submit"]').click();
  await page.locator('#repl-result .repl-error').waitFor(WAIT);
  expect(await page.locator('#repl-result .repl-error').textContent()).toBe('TypeError: nope');
  expect(await page.locator('#repl-result .repl-stack').textContent()).toContain('TypeError: nope');
  expect(await page.locator('#repl-result').getAttribute('data-state')).toBe('error');
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

const timelineKinds = (page: Page) =>
  page.$$eval('#timeline li.timeline-entry', (l) => l.map((e) => e.getAttribute('data-kind')));
const timelineText = (page: Page) => page.locator('#timeline').textContent();

it("joins a process's log lines, requests, page errors and console by time, filtered by process, kind and time range", async () => {
  const { page, errors } = await open([], undefined, fixtureProject('devapp'));
  const proxyUrl = await startDevApp(page);
  const devId = (await page.locator('#processes li.status-running').getAttribute('data-id')) as string;
  const app = await openApp(proxyUrl);
  await page.locator('button[data-run="hello"]').click();
  // All four kinds, oldest first.
  await page.waitForFunction(
    () =>
      ['log', 'request', 'page-error', 'console'].every((k) =>
        document.querySelector(`#timeline li.timeline-entry[data-kind="${k}"]`),
      ) && document.getElementById('timeline')?.textContent?.includes('hello from another process'),
    undefined,
    WAIT,
  );
  const times = await page.$$eval('#timeline time', (t) => t.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(await timelineText(page)).toContain('Local:');
  expect(await page.locator('#timeline li[data-kind="page-error"] .summary').first().textContent()).toContain(
    "Cannot read properties of undefined (reading 'map')",
  );
  // Live: a new console line shows up without a reload.
  await app.evaluate(() => console.info('after the timeline loaded'));
  await page.waitForFunction(
    () => document.getElementById('timeline')?.textContent?.includes('after the timeline loaded'),
    undefined,
    WAIT,
  );

  // One process: the other one's lines go.
  await page.locator('#timeline-process').selectOption(devId);
  await page.waitForFunction(() => !document.getElementById('timeline')?.textContent?.includes('hello from another'));
  expect(new Set(await page.locator('#timeline .process').allTextContents())).toEqual(new Set([devId]));
  // Kinds.
  await page.locator('input[name="timeline-kind"][value="log"]').uncheck();
  await page.locator('input[name="timeline-kind"][value="console"]').uncheck();
  expect(new Set(await timelineKinds(page))).toEqual(new Set(['request', 'page-error']));
  // A custom window in the future holds nothing; from after to is refused in words.
  const local = (ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 19);
    }, ms);
  await page.locator('#timeline-range').selectOption('custom');
  await page.locator('#timeline-from').fill(await local(Date.now() + 3_600_000));
  await page.locator('#timeline-from').dispatchEvent('change');
  await page.waitForFunction(() => document.getElementById('timeline')?.textContent === 'nothing in this window');
  await page.locator('#timeline-to').fill(await local(Date.now()));
  await page.locator('#timeline-to').dispatchEvent('change');
  await page.waitForFunction(() => document.getElementById('timeline-note')?.textContent !== '');
  expect(await page.locator('#timeline-note').textContent()).toBe('timeline: from must be before to');
  // The window around now again: the entries are back.
  await page.locator('#timeline-from').fill(await local(Date.now() - 3_600_000));
  await page.locator('#timeline-from').dispatchEvent('change');
  await page.locator('#timeline li[data-kind="request"]').first().waitFor(WAIT);
  expect(await page.locator('#timeline-note').textContent()).toBe('');
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

it('shows the new views as tabs at phone width in the dark theme, by keyboard, within the width and the CSP', async () => {
  const { page, errors } = await open([], { width: 390, height: 844 }, fixtureProject('devapp'));
  await connected(page);
  await page.locator('#theme').click();
  // Empty states say what to do.
  await page.locator('#tab-requests').click();
  await page.locator('#proxy-mappings li', { hasText: 'no proxy yet' }).waitFor(WAIT);
  expect(await page.locator('#requests-body td.empty').textContent()).toBe(
    'no requests yet: open a proxy URL above and use the page',
  );
  // No page yet: the REPL says so, as an error.
  await page.locator('#tab-page').click();
  await page.locator('#repl-code').fill('1+1');
  await page.locator('#repl button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('repl-result')?.dataset.state === 'error');
  expect(await page.locator('#repl-result .repl-error').textContent()).not.toBe('');
  await page.locator('#tab-scripts').click();
  const proxyUrl = await startDevApp(page);
  await openApp(proxyUrl);
  await page.locator('#tab-logs').click();
  await page.keyboard.press('ArrowRight');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-requests');
  await page.locator('#requests-body tr.request').first().waitFor(WAIT);
  for (const [tab, ready] of [
    ['requests', '#requests-body tr.request'],
    ['page', '#page-errors li.page-error'],
    ['timeline', '#timeline li.timeline-entry'],
  ] as const) {
    await page.locator(`#tab-${tab}`).click();
    await page.locator(ready).first().waitFor(WAIT);
    expect(await page.locator(`#panel-${tab}`).getAttribute('role')).toBe('tabpanel');
    expect(await page.locator('#panel-events').isVisible()).toBe(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(11, 17, 32)');
  expect(await cspViolations(page)).toEqual([]);
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

it('keeps at most 1,000 requests and draws at most 200 rows under 1,100 proxied requests', async () => {
  const { page, errors } = await open([], undefined, fixtureProject('devapp'));
  const proxyUrl = await startDevApp(page);
  // 1,100 real requests through the proxy, 20 at a time.
  for (let i = 0; i < 1100; i += 20)
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => fetch(`${proxyUrl}api/missing?n=${i + j}`).then((r) => r.arrayBuffer())),
    );
  await page.waitForFunction(() => document.getElementById('requests-count')?.textContent === '1000', undefined, {
    timeout: 30_000,
  });
  expect(await page.locator('#requests-body tr.request').count()).toBe(200);
  // Newest first: the last request is the top row; the first ones are gone.
  expect(await page.locator('#requests-body tr.request .url').first().textContent()).toBe('/api/missing?n=1099');
  // n=10 matches n=10, n=100…109 and n=1000…1099: the oldest hundred (n=0…99) were dropped.
  await page.locator('#request-url').fill('n=10');
  await page.waitForFunction(() => document.querySelectorAll('#requests-body tr.request').length === 110);
  const urls = await page.locator('#requests-body tr.request .url').allTextContents();
  expect(urls).toEqual(expect.arrayContaining(['/api/missing?n=1050', '/api/missing?n=100']));
  expect(urls).not.toContain('/api/missing?n=10');
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

it('shows every console line the server kept from a page logging in a loop, though the stream carries 50 a second', async () => {
  const { page, server, errors } = await open([], undefined, fixtureProject('devapp'));
  const proxyUrl = await startDevApp(page);
  const app = await openApp(proxyUrl);
  await page.locator('#page-console li[data-level="debug"]').waitFor(WAIT);
  await app.evaluate(() => {
    for (let i = 0; i < 400; i++) console.log(`burst ${i}`);
  });
  // What the server kept (the page's own budget drops some and says so in a `webstream:` line).
  const stored = async () => {
    const res = await fetch(`${server.url}/api/telemetry/console?limit=1000`);
    const { entries } = (await res.json()) as { entries: { text: string }[] };
    return entries.filter((e) => e.text.startsWith('burst ')).length;
  };
  let kept = 0;
  for (let i = 0; i < 50 && kept < 100; i++) {
    kept = await stored();
    await page.waitForTimeout(100);
  }
  expect(kept).toBeGreaterThan(50);
  await page.waitForFunction(
    (n) =>
      Array.from(document.querySelectorAll('#page-console .text')).filter((e) => e.textContent?.startsWith('burst '))
        .length === n,
    await stored(),
    WAIT,
  );
  expect(await problems(page)).toEqual([]);
  expect(errors).toEqual([]);
});
