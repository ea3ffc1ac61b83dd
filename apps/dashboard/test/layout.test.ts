// Login, phone-width tabs and the dark theme in real Chromium.
import { expect, it } from 'vitest';
import { connected, cspViolations, push, useDashboard } from './harness.js';

const { open } = useDashboard();

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
  await page.waitForFunction(() => document.querySelector('#events li.event .message')?.textContent === 'from a phone');
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

it("names a mistake in the push form with the server's own words, without sending it", async () => {
  const { page } = await open();
  await connected(page);
  await page.locator('#push textarea[name="message"]').fill('hello');
  await page.locator('#push input[name="channel"]').fill('not a channel');
  await page.locator('#push button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('push-result')?.textContent !== '');
  expect(await page.locator('#push-result').textContent()).toBe(
    'invalid message: channel: channel must be 1-64 characters of letters, digits, ".", "_", ":" or "-"',
  );
  expect(await page.locator('#events li.event').count()).toBe(0);
  await page.locator('#push input[name="channel"]').fill('ops');
  await page.locator('#push button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('push-result')?.textContent?.startsWith('pushed #'));
  await page.locator('#events li.event[data-channel="ops"]').waitFor();
});
