// The live event list in real Chromium: rendering, filters, pause, reconnect, copy, and no HTML injection.
import { expect, it } from 'vitest';
import { connected, fixtureProject, messages, push, startServer, useDashboard } from './harness.js';

const { open, adopt } = useDashboard();

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
  const { id: before } = await push(server.url, { message: 'before restart' });
  await page.locator('#events li.event').first().waitFor();
  await server.stop();
  await page.waitForSelector('#status[data-state="reconnecting"]', { timeout: 10_000 });
  // While the server is away the clients figure is unknown, not the last one seen.
  await page.waitForFunction(() => document.getElementById('clients')?.textContent === '–', undefined, {
    timeout: 5000,
  });
  const again = adopt(await startServer(['--cwd', fixtureProject()], server.port));
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
  // The new server does not know the id the page resumed after: the gap notice says so and names it.
  const notice = page.locator('#events li.notice');
  expect(await notice.count()).toBe(1);
  expect(await notice.textContent()).toBe(
    `gap: history before this point is unavailable (the server does not know #…${before.slice(-8)}: it restarted or its history was reset)`,
  );
  expect(await notice.locator('.event-id').getAttribute('title')).toBe(before);
  expect(await page.locator('#notice').textContent()).toBe(await notice.textContent());
  // The replay after the gap sent what the new server retains: the one event pushed while the page was away.
  expect(await page.locator('#status').getAttribute('title')).toBe('the last replay caught up 1 event(s)');
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

it('renders a pushed <img onerror> as text, never as HTML', async () => {
  const { server, page, errors } = await open();
  await connected(page);
  const payload = '<img src=x onerror="window.__xss = 1; alert(1)"><script>window.__xss = 2</script>';
  const { id } = await push(server.url, { message: payload, data: { html: '<b onmouseover=alert(1)>x</b>' } });
  const row = page.locator(`#events li[data-id="${id}"]`);
  await row.waitFor();
  expect(await row.locator('.message').textContent()).toBe(payload);
  expect(await page.locator('#events img, #events script, #events b').count()).toBe(0);
  // One more event rendered after it: any handler the payload could have installed had its turn.
  const { id: next } = await push(server.url, { message: 'next' });
  await page.locator(`#events li[data-id="${next}"]`).waitFor();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(errors).toEqual([]);
});
