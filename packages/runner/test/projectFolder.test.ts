import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessManager, type ProcessManager, type RunnerEvents } from '../src/processManager.js';
import { inspectScripts } from '../src/scripts.js';
import { until } from './helpers.js';

const HINT = 'start webstream with --cwd <your project>';
const folder = (files: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-folder-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
};

describe('inspectScripts says why there are no scripts', () => {
  it('no package.json, not valid JSON, no scripts, a missing folder, and all well', () => {
    const empty = folder();
    expect(inspectScripts(empty, { hint: HINT })).toEqual({
      packageJson: null,
      scripts: {},
      problem: `no package.json in ${empty}; ${HINT}`,
    });
    const broken = folder({ 'package.json': '{"scripts": {' });
    expect(inspectScripts(broken, { hint: HINT })).toMatchObject({
      packageJson: join(broken, 'package.json'),
      scripts: {},
      problem: expect.stringMatching(new RegExp(`^${join(broken, 'package.json')} is not valid JSON \\(.+\\)$`)),
    });
    const none = folder({ 'package.json': '{"name":"x"}' });
    expect(inspectScripts(none).problem).toBe(`${join(none, 'package.json')} has no scripts`);
    expect(inspectScripts(join(none, 'nope'), { hint: HINT }).problem).toBe(
      `the project folder ${join(none, 'nope')} does not exist; ${HINT}`,
    );
    const fine = folder({ 'package.json': '{"scripts":{"dev":"vite"}}' });
    expect(inspectScripts(fine)).toEqual({ packageJson: join(fine, 'package.json'), scripts: { dev: 'vite' } });
  });
});

describe('the manager reports a folder without usable package.json', () => {
  let manager: ProcessManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('scriptsInfo() names the folder and the hint; one warning event; unknown_script says it too', async () => {
    const cwd = folder();
    manager = createProcessManager({ cwd, projectHint: HINT });
    const warnings: RunnerEvents['warning'][] = [];
    manager.on('warning', (w) => warnings.push(w));
    const problem = `no package.json in ${cwd}; ${HINT}`;
    expect(manager.scriptsInfo()).toEqual({
      packageManager: 'npm',
      packageManagerSource: 'default',
      cwd,
      packageJson: null,
      scripts: {},
      problem,
    });
    await until(() => warnings.length > 0, 1000, 'the warning');
    expect(warnings).toEqual([{ message: problem, cwd }]);
    expect(() => manager?.runScript('dev')).toThrowError(
      `no script "dev" in ${cwd}/package.json (available: none): ${problem}`,
    );
  });

  it('the problem clears when a package.json with scripts appears, and a new problem is warned once', async () => {
    const cwd = folder();
    manager = createProcessManager({ cwd, projectHint: HINT });
    const warnings: string[] = [];
    const changes: Record<string, string>[] = [];
    manager.on('warning', (w) => warnings.push(w.message));
    manager.on('scripts', (s) => changes.push(s));
    await until(() => warnings.length === 1, 1000, 'the first warning');
    writeFileSync(join(cwd, 'package.json'), '{"scripts":{"dev":"node -e 1"}}');
    await until(() => changes.length === 1, 5000, 'the scripts to be seen');
    expect(manager.scriptsInfo()).toMatchObject({
      packageJson: join(cwd, 'package.json'),
      scripts: { dev: 'node -e 1' },
    });
    expect(manager.scriptsInfo()).not.toHaveProperty('problem');
    writeFileSync(join(cwd, 'package.json'), '{"scripts":{"dev":');
    await until(() => warnings.length === 2, 5000, 'the second warning');
    expect(warnings[1]).toMatch(/is not valid JSON .*; the last valid scripts are kept$/);
    expect(manager.scripts()).toEqual({ dev: 'node -e 1' }); // an editor's broken save keeps the scripts
    rmSync(join(cwd, 'package.json'));
    await until(() => warnings.length === 3, 5000, 'the third warning');
    expect(warnings[2]).toBe(`no package.json in ${cwd}; ${HINT}; the last valid scripts are kept`);
  });

  it('no warning for a folder with scripts', async () => {
    const cwd = folder({ 'package.json': '{"scripts":{"dev":"node -e 1"}}' });
    manager = createProcessManager({ cwd });
    const warnings: unknown[] = [];
    manager.on('warning', (w) => warnings.push(w));
    await Promise.resolve(); // the microtask a warning at creation would be emitted on
    expect(warnings).toEqual([]);
    expect(manager.scriptsInfo().problem).toBeUndefined();
  });
});
