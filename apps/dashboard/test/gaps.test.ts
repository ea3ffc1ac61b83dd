// Overflow gaps in real Chromium: a burst larger than the page's queue budget is announced where it
// happened, with the ids it covers, and every event is either shown or counted in a gap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamMessage } from '@ws/events';
import { expect, it } from 'vitest';
import { connected, cspViolations, useDashboard } from './harness.js';

const { open } = useDashboard();

/** Lines the fixture's burst script prints (its JSON envelopes are far more than the 64 KiB budget). */
const LINES = 800;

async function history(url: string): Promise<StreamMessage[]> {
  const res = await fetch(`${url}/api/history?limit=1000`);
  return ((await res.json()) as { messages: StreamMessage[] }).messages;
}

it('announces an overflow with its first and last ids; shown plus missed is everything', async () => {
  const { server, page, project, errors } = await open(['--max-queue-bytes', '65536']);
  await connected(page);
  await page.locator('button[data-run="burst"]').click();
  await page.waitForSelector('#processes li.status-running', { timeout: 15_000 });
  writeFileSync(join(project, 'burst.go'), String(LINES));

  // The burst is over once its last line is in the server's history.
  let all: StreamMessage[] = [];
  await expect
    .poll(
      async () => {
        all = await history(server.url);
        return all.some((m) => m.message === `line ${LINES}`);
      },
      { timeout: 15_000 },
    )
    .toBe(true);

  const notices = page.locator('#events li.notice');
  await notices.first().waitFor({ timeout: 15_000 });
  // Every event is either received (the header's total) or counted in a gap notice.
  await page.waitForFunction(
    (expected) => {
      const missed = Array.from(document.querySelectorAll('#events li.notice'))
        .map((li) => Number(/^gap: (\d+) events? missed/.exec(li.textContent ?? '')?.[1] ?? Number.NaN))
        .reduce((a, b) => a + b, 0);
      return Number(document.getElementById('total')?.textContent) + missed === expected;
    },
    all.length,
    { timeout: 15_000 },
  );

  const ids = all.map((m) => m.id);
  for (const notice of await notices.all()) {
    const text = (await notice.textContent()) ?? '';
    const [, missed] = /^gap: (\d+) events? missed \(this tab fell behind\): #…\S{8}( to #…\S{8})?$/.exec(text) ?? [];
    const buttons = notice.locator('.event-id');
    const firstId = (await buttons.first().getAttribute('title')) as string;
    const lastId = (await buttons.last().getAttribute('title')) as string;
    expect(await buttons.first().textContent()).toBe(`#…${firstId.slice(-8)}`);
    // The ids are real events, and the gap covers exactly the events between them.
    expect(ids.indexOf(lastId) - ids.indexOf(firstId) + 1, text).toBe(Number(missed));
    expect(ids.indexOf(firstId)).toBeGreaterThanOrEqual(0);
  }
  expect(await page.locator('#status').getAttribute('data-gap')).toBe('true');
  expect(await cspViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
