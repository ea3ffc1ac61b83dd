// Scripts, processes, logs and detected errors in real Chromium, on the server's fixture project.
import { realpathSync } from 'node:fs';
import { expect, it } from 'vitest';
import { connected, useDashboard } from './harness.js';

const { open } = useDashboard();

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
