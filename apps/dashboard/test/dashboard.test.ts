import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, launchBrowser, push, type Server, startServer } from './harness.js';

let browser: Browser;
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

async function open(args: string[] = [], viewport = { width: 1280, height: 900 }) {
  const server = await startServer(['--cwd', fixtureProject(), ...args]);
  servers.push(server);
  const page = await browser.newPage({ viewport });
  pages.push(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(server.url);
  return { server, page, errors };
}

const connected = (page: Page) => page.waitForSelector('#status[data-state="connected"]', { timeout: 10_000 });
const messages = (page: Page) => page.$$eval('#events li.event .message', (els) => els.map((e) => e.textContent));

describe('dashboard in real Chromium', () => {
  it('shows a message pushed through the API, with type, channel and id', async () => {
    const { server, page, errors } = await open();
    await connected(page);
    const { id } = await push(server.url, {
      message: 'deployment completed',
      type: 'success',
      channel: 'ops',
      data: { build: 42 },
    });
    const row = page.locator(`#events li[data-id="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    expect(await row.getAttribute('data-type')).toBe('success');
    expect(await row.locator('.message').textContent()).toBe('deployment completed');
    expect(await row.locator('.channel').textContent()).toBe('ops');
    expect(await row.locator('.meta').textContent()).toContain(`#${id}`);
    await row.locator('summary').click();
    expect(JSON.parse((await row.locator('pre').textContent()) ?? '')).toEqual({ build: 42 });
    expect(errors).toEqual([]);
  });

  it('filters by type, channel and text', async () => {
    const { server, page } = await open();
    await connected(page);
    await push(server.url, { message: 'disk almost full', type: 'warning', channel: 'ops' });
    await push(server.url, { message: 'user signed up', type: 'info', channel: 'growth' });
    await push(server.url, { message: 'payment failed', type: 'error', channel: 'ops' });
    await page.waitForFunction(() => document.querySelectorAll('#events li.event').length === 3);
    await page.locator('input[name="type"][value="info"]').uncheck();
    expect(await messages(page)).toEqual(['payment failed', 'disk almost full']);
    await page.locator('#filter-channel').selectOption('ops');
    await page.locator('#filter-text').fill('payment');
    await page.waitForFunction(() => document.querySelectorAll('#events li.event').length === 1);
    expect(await messages(page)).toEqual(['payment failed']);
  });

  it('pauses without losing events and shows them on resume', async () => {
    const { server, page } = await open();
    await connected(page);
    await page.keyboard.press('p');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    for (const m of ['one', 'two', 'three']) await push(server.url, { message: m });
    await page.waitForFunction(() => document.getElementById('held')?.textContent === '3 new while paused');
    expect(await messages(page)).toEqual([]);
    await page.locator('#pause').click();
    await page.waitForFunction(() => document.querySelectorAll('#events li.event').length === 3);
    expect(await messages(page)).toEqual(['three', 'two', 'one']);
  });

  it('goes reconnecting → replaying → connected across a server restart, losing no event', async () => {
    const { server, page } = await open();
    await connected(page);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { states: string[] }).states = seen;
      const status = document.getElementById('status') as HTMLElement;
      new MutationObserver(() => seen.push(status.dataset.state ?? '')).observe(status, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    await push(server.url, { message: 'before restart' });
    await page.locator('#events li.event').first().waitFor();
    await server.stop();
    await page.waitForSelector('#status[data-state="reconnecting"]', { timeout: 10_000 });
    const again = await startServer(['--cwd', fixtureProject()], server.port);
    servers.push(again);
    await push(again.url, { message: 'while the page was away' });
    await page.waitForFunction(
      () => (window as unknown as { states: string[] }).states.includes('connected'),
      undefined,
      { timeout: 15_000 },
    );
    await push(again.url, { message: 'after reconnect' });
    await page.waitForFunction(() => document.querySelectorAll('#events li.event').length === 3, undefined, {
      timeout: 5000,
    });
    const states = await page.evaluate(() => (window as unknown as { states: string[] }).states);
    const from = states.indexOf('reconnecting');
    expect(states.slice(from)).toEqual(['reconnecting', 'replaying', 'connected']);
    expect(await messages(page)).toEqual(['after reconnect', 'while the page was away', 'before restart']);
  });

  it('runs a fixture script and shows its logs and its error with file:line:column', async () => {
    const { page } = await open();
    await connected(page);
    await page.locator('button[data-run="crash"]').click();
    await page.waitForSelector('#processes li.status-exited', { timeout: 15_000 });
    await page.waitForSelector('#error-list .detected-error', { timeout: 5000 });
    expect(await page.locator('#error-list .where').first().textContent()).toBe('crash.js:5:19');
    expect(await page.locator('#error-list .what').first().textContent()).toBe(
      "TypeError: Cannot read properties of undefined (reading 'length')",
    );
    const lines = await page.$$eval('#log-view .line', (els) => els.map((e) => e.textContent));
    expect(lines).toEqual(expect.arrayContaining(['compiling...', 'ready']));
    expect(await page.locator('#log-view .line.error').count()).toBeGreaterThan(0);
    expect(await page.locator('#processes li.status-exited .status').first().textContent()).toBe('exited (code 1)');
  });

  it('renders a pushed <img onerror> as text, never as HTML', async () => {
    const { server, page, errors } = await open();
    await connected(page);
    const payload = '<img src=x onerror="window.__xss = 1; alert(1)"><script>window.__xss = 2</script>';
    const { id } = await push(server.url, { message: payload, data: { html: '<b onmouseover=alert(1)>x</b>' } });
    const row = page.locator(`#events li[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('.message').textContent()).toBe(payload);
    expect(await page.locator('#events img, #events script, #events b').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('keeps up with 1,000 events per second: bounded DOM, no long frames', async () => {
    const { server, page } = await open();
    await connected(page);
    await page.evaluate(() => {
      const w = window as unknown as { worstFrame: number };
      w.worstFrame = 0;
      let last = performance.now();
      const tick = (now: number) => {
        w.worstFrame = Math.max(w.worstFrame, now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const total = 3000;
    const started = Date.now();
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => push(server.url, { message: `burst ${i + j}`, data: { i: i + j } })),
      );
      const due = started + ((i + 50) / 1000) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    await page.waitForFunction((n) => document.getElementById('total')?.textContent === String(n), total, {
      timeout: 15_000,
    });
    const rows = await page.locator('#events li.event').count();
    expect(rows).toBeLessThanOrEqual(200);
    expect(await page.locator('#events li.event .message').first().textContent()).toBe(`burst ${total - 1}`);
    expect(await page.evaluate(() => (window as unknown as { worstFrame: number }).worstFrame)).toBeLessThan(1000);
  });

  it('works with auth on: asks for the token, then streams', async () => {
    const token = 'dashboard-token-0123456789';
    const { server, page } = await open(['--token', token]);
    await page.waitForSelector('#status[data-state="locked"]');
    await page.locator('#token').fill(token);
    await page.locator('#login button').click();
    await connected(page);
    const { id } = await push(server.url, { message: 'secret hello' }, { authorization: `Bearer ${token}` });
    await page.locator(`#events li[data-id="${id}"]`).waitFor();
  });

  it('is usable at phone width in the dark theme', async () => {
    const { page } = await open([], { width: 390, height: 844 });
    await connected(page);
    await page.locator('#theme').click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(11, 17, 32)');
  });
});
