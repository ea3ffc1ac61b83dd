import { realpathSync } from 'node:fs';
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
  const project = fixtureProject();
  const server = await startServer(['--cwd', project, ...args]);
  servers.push(server);
  const page = await browser.newPage({ viewport });
  pages.push(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // Anything the page's CSP blocks (an inline style element, a script) is recorded here.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(server.url);
  return { server, page, errors, project };
}

const cspViolations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
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
    // The id is shown short, whole in the title.
    const idButton = row.locator('.event-id');
    expect(await idButton.textContent()).toBe(`#…${id.slice(-8)}`);
    expect(await idButton.getAttribute('title')).toBe(id);
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
    // While the server is away the clients figure is unknown, not the last one seen.
    await page.waitForFunction(() => document.getElementById('clients')?.textContent === '–', undefined, {
      timeout: 5000,
    });
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
    await page.waitForFunction(() => document.getElementById('clients')?.textContent === '1', undefined, {
      timeout: 5000,
    });
    expect(await messages(page)).toEqual(['after reconnect', 'while the page was away', 'before restart']);
  });

  it('runs a fixture script and shows its logs and its error with file:line:column', async () => {
    const { page, project } = await open();
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

    // file:line:column opens the file in an editor: VS Code by default, resolved to an absolute path.
    const where = page.locator('#error-list .where').first();
    const file = `${realpathSync(project)}/crash.js`;
    expect(await where.locator('a').getAttribute('href')).toBe(`vscode://file${file}:5:19`);
    await page.locator('.settings summary').click();
    await page.locator('#editor-preset').selectOption('jetbrains');
    expect(await where.locator('a').getAttribute('href')).toBe(`idea://open?file=${file}&line=5`);
    // A custom template; one that is not an editor URL is refused and the last good one stays.
    await page.locator('#editor-template').fill('subl://open?url=file://{file}&line={line}&column={column}');
    await page.locator('#editor-template').press('Enter');
    expect(await where.locator('a').getAttribute('href')).toBe(`subl://open?url=file://${file}&line=5&column=19`);
    expect(await page.locator('#editor-preset').inputValue()).toBe('custom');
    await page.locator('#editor-template').fill('javascript:alert({file})');
    await page.locator('#editor-template').press('Enter');
    expect(await page.locator('#editor-template').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#editor-help').textContent()).toBe('that URL scheme is not allowed');
    expect(await where.locator('a').getAttribute('href')).toBe(`subl://open?url=file://${file}&line=5&column=19`);
    // None: plain text. The choice survives a reload.
    await page.locator('#editor-preset').selectOption('none');
    expect(await where.locator('a').count()).toBe(0);
    expect(await where.textContent()).toBe('crash.js:5:19');
    await page.reload();
    await page.locator('#processes li.status-exited button.name').click();
    await page.waitForSelector('#error-list .detected-error');
    expect(await page.locator('#editor-preset').inputValue()).toBe('none');
    expect(await page.locator('#error-list .where a').count()).toBe(0);
  });

  it('copies an event id on click or Enter, or says how to copy it when the clipboard is refused', async () => {
    const { server, page } = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await connected(page);
    const { id } = await push(server.url, { message: 'copy my id' });
    const idButton = page.locator(`#events li[data-id="${id}"] .event-id`);
    await idButton.click();
    await page.waitForFunction(() => document.getElementById('toast')?.textContent !== '');
    expect(await page.locator('#toast').textContent()).toBe(`copied event id ${id}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

    await page.evaluate(() => navigator.clipboard.writeText(''));
    await idButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== '');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    await idButton.click();
    await page.waitForFunction(() => document.getElementById('toast')?.textContent?.startsWith('could not copy'));
    expect(await page.locator('#toast code').textContent()).toBe(id);
    expect(await page.evaluate(() => getSelection()?.toString())).toBe(id);
  });

  it('charts events per second by type and connected clients, with axes and a legend', async () => {
    const { server, page, errors } = await open();
    await connected(page);
    // The page counts itself as soon as its stream is open, not at the next poll.
    await page.waitForFunction(() => document.getElementById('clients')?.textContent === '1', undefined, {
      timeout: 1500,
    });
    let last = '';
    for (const type of ['info', 'info', 'info', 'error'])
      last = (await push(server.url, { message: `chart ${type}`, type })).timestamp;
    // The chart shows complete seconds, redrawn each second: the last push's second is in once the
    // one after it has ended (and a tick has run).
    const drawn = (Math.floor(Date.parse(last) / 1000) + 2) * 1000 + 100;
    await page.waitForFunction((t) => Date.now() > t, drawn, { timeout: 5000 });
    await page.waitForFunction(() => /max [1-9]/.test(document.getElementById('chart-rate-label')?.textContent ?? ''));
    for (const chart of ['#chart-rate', '#chart-clients']) {
      expect(await page.locator(`${chart} .u-axis`).count()).toBe(2);
      const size = await page.locator(`${chart} canvas`).boundingBox();
      expect(size?.width).toBeGreaterThan(100);
    }
    expect(await page.locator('#chart-rate .u-legend .u-series th').allTextContents()).toEqual([
      'time',
      'info',
      'warning',
      'error',
      'success',
      'custom',
    ]);
    // The info bar is drawn: the canvas has pixels in the --info colour.
    const infoPixels = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--info)';
      document.body.append(probe);
      const [r, g, b] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
      probe.remove();
      const canvas = document.querySelector('#chart-rate canvas') as HTMLCanvasElement;
      const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const near = (a: number, v: number | undefined) => Math.abs(a - (v ?? -99)) < 12;
        if (
          (pixels[i + 3] ?? 0) > 150 &&
          near(pixels[i] ?? 0, r) &&
          near(pixels[i + 1] ?? 0, g) &&
          near(pixels[i + 2] ?? 0, b)
        )
          n++;
      }
      return n;
    });
    expect(infoPixels).toBeGreaterThan(0);
    // The legend is the tooltip: sweeping the cursor from the right reads each second's counts under it
    // (the four pushes may straddle two seconds, so they are summed per distinct second).
    const over = (await page.locator('#chart-rate .u-over').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    const legend = () =>
      page.$$eval('#chart-rate .u-legend .u-series .u-value', (cells) => cells.map((c) => c.textContent ?? ''));
    const seconds = new Map<string, string[]>();
    const sum = (column: number) => [...seconds.values()].reduce((n, row) => n + Number(row[column]), 0);
    for (let dx = 1; dx < over.width && !(sum(1) === 3 && sum(3) === 1); dx += 1) {
      await page.mouse.move(over.x + over.width - dx, over.y + over.height / 2);
      const row = await legend();
      seconds.set(row[0] as string, row);
    }
    expect([sum(1), sum(2), sum(3), sum(4), sum(5)]).toEqual([3, 0, 1, 0, 0]);
    expect([...seconds.keys()].every((time) => /^\d\d:\d\d:\d\d$/.test(time))).toBe(true);
    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
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

  it('reaches the push form and the scripts through tabs at phone width, by keyboard', async () => {
    const { page } = await open([], { width: 390, height: 844 });
    await connected(page);
    expect(await page.locator('#tabs').isVisible()).toBe(true);
    expect(await page.locator('#tab-events').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#panel-push').isVisible()).toBe(false);
    await page.locator('#tab-events').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#tab-push').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-push');
    expect(await page.locator('#panel-push').getAttribute('role')).toBe('tabpanel');
    expect(await page.locator('#panel-events').isVisible()).toBe(false);
    // The form is on screen without scrolling past the event list.
    const box = await page.locator('#push button[type="submit"]').boundingBox();
    expect((box?.y ?? 9999) + (box?.height ?? 0)).toBeLessThan(844);
    await page.locator('#push textarea[name="message"]').fill('from a phone');
    await page.locator('#push button[type="submit"]').click();
    await page.waitForFunction(() => document.getElementById('push-result')?.textContent?.startsWith('pushed #'));
    await page.locator('#tab-push').focus();
    await page.keyboard.press('Home');
    expect(await page.locator('#tab-events').getAttribute('aria-selected')).toBe('true');
    await page.waitForFunction(
      () => document.querySelector('#events li.event .message')?.textContent === 'from a phone',
    );
    await page.locator('#tab-scripts').click();
    expect(await page.locator('button[data-run="crash"]').isVisible()).toBe(true);
    // Wide again: no tabs, every panel shows.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForFunction(() => !document.getElementById('panel-push')?.hidden);
    expect(await page.locator('#tabs').isVisible()).toBe(false);
    for (const panel of ['events', 'push', 'activity', 'scripts', 'logs'])
      expect(await page.locator(`#panel-${panel}`).isVisible()).toBe(true);
    expect(await page.locator('#panel-push').getAttribute('role')).toBeNull();
  });

  it('is usable at phone width in the dark theme', async () => {
    const { page, errors } = await open([], { width: 390, height: 844 });
    await connected(page);
    await page.locator('#theme').click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(11, 17, 32)');
    // The charts were rebuilt in the dark palette without tripping the CSP.
    await page.locator('#tab-activity').click();
    expect(await page.locator('#chart-rate .u-axis').count()).toBe(2);
    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
