// A real Vite dev server (React, @vitejs/plugin-react) run as a script of a fixture project, behind
// the proxy in Chromium: hot reload still works through it, and a component error lands in
// telemetry://errors mapped to its .tsx source.
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '@ws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, callTool, readUntil, startBrowserRig } from './browserHarness.js';
import { WAIT_MS } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/vite-project', import.meta.url));
/** vite, react and the plugin are this package's devDependencies: the copy resolves them through a link. */
const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
/** Line of `throw new Error('component boom')` in the fixture's src/App.tsx. */
const BOOM_LINE = 4;

let rig: BrowserRig;
let project: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'ws-vite-'));
  cpSync(FIXTURE, project, { recursive: true });
  symlinkSync(NODE_MODULES, join(project, 'node_modules'), 'dir');
  rig = await startBrowserRig({ cwd: project });
}, 90_000);

afterAll(() => rig?.close());

describe('a Vite dev server behind the proxy', () => {
  it('keeps hot reload working through the proxy (no full reload)', async () => {
    const page = await rig.open('/');
    await page.waitForSelector('#greeting', { timeout: WAIT_MS });
    expect(await page.textContent('#greeting')).toBe('Hello from Vite');
    await page.evaluate('window.__beforeHmr = true');
    const app = join(project, 'src/App.tsx');
    writeFileSync(app, readFileSync(app, 'utf8').replace('Hello from Vite', 'Hello after HMR'));
    await until(async () => (await page.textContent('#greeting')) === 'Hello after HMR', WAIT_MS, 'the HMR update');
    expect(await page.evaluate('window.__beforeHmr')).toBe(true);
    const sockets = await callTool(rig.client, 'proxy_requests', { processId: rig.processId, limit: 1000 });
    expect(
      sockets.requests.some((r: { kind: string; status: number }) => r.kind === 'websocket' && r.status === 101),
    ).toBe(true);
    await page.close();
  });

  it('maps a component error to its .tsx source in telemetry://errors', async () => {
    const page = await rig.open('/');
    await page.waitForSelector('#boom', { timeout: WAIT_MS });
    await page.click('#boom');
    const errors = await readUntil(
      rig.client,
      'telemetry://errors',
      (e) =>
        e.some((g: { message: string; mapping: string }) => g.message === 'component boom' && g.mapping !== 'unmapped'),
      WAIT_MS,
      'the component error, mapped',
    );
    const boom = errors.find((g: { message: string }) => g.message === 'component boom');
    expect(boom.file).toMatch(/src\/App\.tsx$/);
    expect(boom.line).toBe(BOOM_LINE);
    expect(boom.processId).toBe(rig.processId);
    await page.close();
  });
});
