import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detect } from 'package-manager-detector/detect';
import { afterEach, describe, expect, it } from 'vitest';
import { detectPackageManager } from '../src/packageManager.js';
import { createProcessManager, type ProcessManager } from '../src/processManager.js';

/** A folder tree in the temp folder (outside any workspace): path to file content. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ws-pm-tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const pkg = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'x', scripts: { dev: 'node -e 1' }, ...fields });

const fixtures = {
  'a package inside a pnpm workspace (lockfile at the root)': {
    files: { 'package.json': pkg(), 'pnpm-lock.yaml': '', 'pnpm-workspace.yaml': '', 'apps/web/package.json': pkg() },
    at: 'apps/web',
    expected: { name: 'pnpm', source: '../../pnpm-lock.yaml' },
  },
  'a package inside a pnpm workspace not installed yet (pnpm-workspace.yaml only)': {
    files: { 'package.json': pkg(), 'pnpm-workspace.yaml': '', 'packages/lib/package.json': pkg() },
    at: 'packages/lib',
    expected: { name: 'pnpm', source: '../../pnpm-workspace.yaml' },
  },
  "the workspace root's packageManager field wins over its lockfile": {
    files: {
      'package.json': pkg({ packageManager: 'pnpm@10.34.9' }),
      'package-lock.json': '{}',
      'apps/web/package.json': pkg(),
    },
    at: 'apps/web',
    expected: { name: 'pnpm', source: 'packageManager field of ../../package.json' },
  },
  "the package's own packageManager field wins over the workspace's lockfile": {
    files: {
      'package.json': pkg(),
      'pnpm-lock.yaml': '',
      'tools/legacy/package.json': pkg({ packageManager: 'yarn@1.22.22' }),
    },
    at: 'tools/legacy',
    expected: { name: 'yarn', source: 'packageManager field' },
  },
  'a yarn workspace': {
    files: { 'package.json': pkg(), 'yarn.lock': '', 'packages/a/package.json': pkg() },
    at: 'packages/a',
    expected: { name: 'yarn', source: '../../yarn.lock' },
  },
  'a bun project': {
    files: { 'package.json': pkg(), 'bun.lock': '' },
    at: '.',
    expected: { name: 'bun', source: 'bun.lock' },
  },
  'devEngines.packageManager': {
    files: { 'package.json': pkg({ devEngines: { packageManager: { name: 'bun', version: '1.2.0' } } }) },
    at: '.',
    expected: { name: 'bun', source: 'devEngines field' },
  },
  'no lockfile anywhere': {
    files: { 'package.json': pkg(), 'sub/package.json': pkg() },
    at: 'sub',
    expected: { name: 'npm', source: 'default' },
  },
} as const;

describe('detectPackageManager walks up like a workspace', () => {
  for (const [title, { files, at, expected }] of Object.entries(fixtures)) {
    it(`${title} → ${expected.name}, and agrees with package-manager-detector's detect()`, async () => {
      const cwd = join(tree(files), at);
      expect(detectPackageManager(cwd)).toEqual(expected);
      expect((await detect({ cwd }))?.name ?? 'npm').toBe(expected.name);
    });
  }

  it('a manager the runner cannot run (deno) falls back to npm and says why', async () => {
    const cwd = tree({ 'package.json': pkg(), 'deno.lock': '{}' });
    expect(await detect({ cwd })).toMatchObject({ name: 'deno' });
    expect(detectPackageManager(cwd)).toEqual({
      name: 'npm',
      source: 'deno.lock names deno, which the runner cannot run; using npm',
    });
  });

  it("this repository's apps/mcp-server is a pnpm workspace package (it was labelled npm)", () => {
    const app = fileURLToPath(new URL('../../../apps/mcp-server', import.meta.url));
    expect(detectPackageManager(app)).toEqual({ name: 'pnpm', source: 'packageManager field of ../../package.json' });
  });
});

describe('the manager uses the detected package manager', () => {
  let manager: ProcessManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('runs scripts of a workspace package with pnpm and says where that came from', () => {
    const root = tree({ 'package.json': pkg(), 'pnpm-workspace.yaml': '', 'apps/web/package.json': pkg() });
    manager = createProcessManager({ cwd: join(root, 'apps/web') });
    expect(manager.packageManager).toBe('pnpm');
    expect(manager.scriptsInfo()).toMatchObject({
      packageManager: 'pnpm',
      packageManagerSource: '../../pnpm-workspace.yaml',
      scripts: { dev: 'node -e 1' },
    });
  });

  it('an explicit packageManager option wins over detection', () => {
    const root = tree({ 'package.json': pkg(), 'pnpm-lock.yaml': '' });
    manager = createProcessManager({ cwd: root, packageManager: 'npm' });
    expect(manager.scriptsInfo()).toMatchObject({ packageManager: 'npm', packageManagerSource: 'option' });
  });
});
