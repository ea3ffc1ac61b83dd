// Writes docs/dashboard-light.png and docs/dashboard-dark.png (and phone-width variants), and the
// browser views' docs/dashboard-browser-*.png, from a real server, a real dev app behind its proxy and
// real Chromium: `pnpm --filter @ws/dashboard screenshots` after `pnpm build`.
import { fileURLToPath } from 'node:url';
import { fixtureProject, launchBrowser, push, startServer } from '../test/harness.js';
import { addDevApp, shootBrowserViews, startDevTraffic } from './browserShots.js';

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
const project = fixtureProject();
addDevApp(project);
const server = await startServer(['--cwd', project]);
const browser = await launchBrowser();
try {
  const app = await startDevTraffic(browser, server.url);
  for (const theme of ['light', 'dark'] as const) {
    for (const [suffix, viewport] of [
      ['', { width: 1360, height: 1000 }],
      ['-phone', { width: 390, height: 1100 }],
    ] as const) {
      const page = await browser.newPage({ viewport, colorScheme: theme });
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="connected"]');
      if (theme === 'light' && suffix === '') {
        // A few seconds of mixed traffic, so the activity chart has something to show.
        const types = ['info', 'info', 'success', 'info', 'warning', 'info', 'error', 'custom'];
        for (let i = 0; i < 48; i++) {
          await push(server.url, { message: `heartbeat ${i}`, type: types[i % types.length], channel: 'metrics' });
          await page.waitForTimeout(120 + ((i * 37) % 5) * 40);
        }
        await push(server.url, { message: 'Build #418 started', type: 'info', channel: 'ci' });
        await push(server.url, {
          message: 'Disk usage at 91% on db-2',
          type: 'warning',
          channel: 'ops',
          data: { host: 'db-2', used: 0.91 },
        });
        await push(server.url, {
          message: 'Payment webhook failed: 502 from provider',
          type: 'error',
          channel: 'billing',
          priority: 'high',
        });
        await push(server.url, {
          message: 'Deployment completed in 2m 14s',
          type: 'success',
          channel: 'ci',
          data: { version: '1.8.0', regions: ['eu-west', 'us-east'] },
        });
        await page.locator('button[data-run="crash"]').click();
        await page.waitForSelector('#error-list .detected-error');
        await page.locator('button[data-run="long"]').click();
        await page.waitForSelector('#processes li.status-running');
        await page.locator('#processes li.status-exited button.name').click();
        await page.waitForSelector('#error-list .detected-error');
        await page.locator('#error-list summary').first().click();
        await page.waitForTimeout(2500);
      } else {
        await page.waitForTimeout(800);
        // The dark phone shot shows the tabs at work: the activity panel.
        if (theme === 'dark' && suffix === '-phone') {
          await page.locator('#tab-activity').click();
          await page.waitForTimeout(2200);
        }
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${docs}dashboard-${theme}${suffix}.png`, fullPage: suffix === '' });
      await page.close();
    }
  }
  await shootBrowserViews(browser, server.url, docs);
  await app.close();
} finally {
  await browser.close();
  await server.stop();
}
