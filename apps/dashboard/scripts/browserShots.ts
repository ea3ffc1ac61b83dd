// The issue-12 views in the screenshots: a dev app behind the proxy with a real page session, then
// docs/dashboard-browser-{light,dark}{,-phone}.png of the Requests, Page and Timeline panels.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** Adds the devapp fixture (its `dev` script, server and page) to a copy of the server's fixture project. */
export function addDevApp(project: string): void {
  const devapp = fileURLToPath(new URL('../test/fixtures/devapp/', import.meta.url));
  cpSync(`${devapp}server.js`, `${project}/server.mjs`);
  cpSync(`${devapp}src`, `${project}/src`, { recursive: true });
  const pkg = JSON.parse(readFileSync(`${project}/package.json`, 'utf8'));
  pkg.scripts.dev = 'node server.mjs';
  writeFileSync(`${project}/package.json`, JSON.stringify(pkg, null, 2));
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs the dev script, opens its page through the proxy and makes some traffic; the page stays open. */
export async function startDevTraffic(browser: Browser, url: string): Promise<Page> {
  await fetch(`${url}/api/scripts/dev/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const proxyUrl = await until('the proxy', async () => {
    const { mappings } = (await (await fetch(`${url}/api/proxy/mappings`)).json()) as {
      mappings: { proxyUrl: string }[];
    };
    return mappings[0]?.proxyUrl;
  });
  const app = await browser.newPage();
  await app.goto(proxyUrl);
  await app.evaluate(async () => {
    const render = (window as unknown as { render: (x: unknown) => void }).render;
    for (let i = 0; i < 4; i++) setTimeout(() => render(undefined), i * 20);
    await fetch('/api/items?page=2');
    await fetch('/app.js');
    console.info('cart updated', { items: 3 });
  });
  await app.waitForTimeout(1500);
  return app;
}

const panels = ['#panel-requests', '#panel-page', '#panel-timeline'];

async function shootDesktop(page: Page, path: string): Promise<void> {
  await page.locator('#requests-body button[data-request]', { hasText: /^\/api\/items$/ }).click();
  // The timeline of the dev app's process only.
  const devId = await page.locator('#processes li[data-id^="dev-"]').first().getAttribute('data-id');
  await page.locator('#timeline-process').selectOption(devId as string);
  await page.locator('#repl-code').fill('document.title');
  await page.locator('#repl button[type="submit"]').click();
  await page.locator('#repl-result .repl-value').waitFor();
  await page.locator('#page-errors summary').first().click();
  await page.waitForTimeout(1200);
  // Document coordinates (fullPage clips are not relative to the scrolled viewport).
  const [top, bottom] = await page.evaluate((ids) => {
    // No named helper here: tsx would wrap it in a `__name` call the page does not have.
    const rects = ids.map((id) => (document.querySelector(id) as HTMLElement).getBoundingClientRect());
    return [(rects[0]?.top ?? 0) + scrollY - 8, (rects[rects.length - 1]?.bottom ?? 0) + scrollY + 8];
  }, panels);
  const width = page.viewportSize()?.width ?? 1360;
  // The sticky header is drawn where the viewport is: at the top, outside the clip.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: top, width, height: bottom - top } });
}

/** Writes the four screenshots of the new views into `docs`. */
export async function shootBrowserViews(browser: Browser, url: string, docs: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    for (const [suffix, viewport] of [
      ['', { width: 1360, height: 1000 }],
      ['-phone', { width: 390, height: 1100 }],
    ] as const) {
      const page = await browser.newPage({ viewport, colorScheme: theme });
      await page.goto(url);
      await page.waitForSelector('#status[data-state="connected"]');
      await page.locator('#requests-body tr.request').first().waitFor({ state: 'attached' });
      const path = `${docs}dashboard-browser-${theme}${suffix}.png`;
      if (suffix === '') await shootDesktop(page, path);
      else {
        // Light phone: the Requests tab; dark phone: the Page tab with a REPL answer.
        await page.locator(theme === 'light' ? '#tab-requests' : '#tab-page').click();
        if (theme === 'dark') {
          await page.locator('#repl-code').fill('[...document.querySelectorAll("h1")].length');
          await page.locator('#repl button[type="submit"]').click();
          await page.locator('#repl-result .repl-value').waitFor();
        }
        await page.waitForTimeout(800);
        await page.screenshot({ path, fullPage: true });
      }
      await page.close();
    }
  }
}
