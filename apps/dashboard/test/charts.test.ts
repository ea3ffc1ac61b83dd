// The activity panel in real Chromium: the charts, and keeping up with 1,000 events per second.
import { expect, it } from 'vitest';
import { connected, cspViolations, push, useDashboard } from './harness.js';

const { open } = useDashboard();

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
