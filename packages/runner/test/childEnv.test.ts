import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnv, isPackageManagerEnv } from '../src/childEnv.js';
import { createProcessManager, type ProcessManager } from '../src/processManager.js';
import { copyFixture, until } from './helpers.js';

describe('childEnv', () => {
  it("drops the parent package manager's variables and keeps the rest", () => {
    const parent = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      PNPM_HOME: '/home/me/.local/share/pnpm',
      NODE_OPTIONS: '--enable-source-maps',
      MY_TOKEN: 'x',
      npm_config_user_agent: 'pnpm/10 npm/? node/v20',
      npm_config_verify_deps_before_run: 'false',
      NPM_CONFIG_REGISTRY: 'https://example.invalid/',
      npm_package_name: 'webstream',
      npm_package_json: '/x/package.json',
      npm_lifecycle_event: 'start',
      npm_lifecycle_script: 'node cli.js',
      npm_command: 'run-script',
      npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs',
      npm_node_execpath: '/usr/bin/node',
      pnpm_config_verify_deps_before_run: 'false',
      PNPM_SCRIPT_SRC_DIR: '/x',
      PNPM_PACKAGE_NAME: 'webstream',
      INIT_CWD: '/x',
    };
    expect(childEnv(parent)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      PNPM_HOME: '/home/me/.local/share/pnpm',
      NODE_OPTIONS: '--enable-source-maps',
      MY_TOKEN: 'x',
      FORCE_COLOR: '1',
    });
  });

  it('keeps what the caller passes, even a package-manager variable, and a FORCE_COLOR the parent set', () => {
    expect(childEnv({ FORCE_COLOR: '0', npm_config_foo: 'parent' }, { npm_config_foo: 'mine', EXTRA: '1' })).toEqual({
      FORCE_COLOR: '0',
      npm_config_foo: 'mine',
      EXTRA: '1',
    });
    expect(isPackageManagerEnv('npm_config_anything')).toBe(true);
    expect(isPackageManagerEnv('npm_token_for_ci')).toBe(false);
  });
});

describe('scripts run without the parent package manager environment', () => {
  const saved: Record<string, string | undefined> = {};
  const set = { npm_config_foo: 'bar', pnpm_config_verify_deps_before_run: 'false', WS_USER_VAR: 'kept' };
  let manager: ProcessManager | undefined;
  beforeEach(() => {
    for (const [name, value] of Object.entries(set)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    await manager?.close();
    manager = undefined;
  });

  it('npm run with npm_config_foo=bar in this process: no `npm warn`, the script does not see it', async () => {
    manager = createProcessManager({
      cwd: copyFixture('env-project'),
      packageManager: 'npm',
      env: { WS_FROM_OPTION: 'given' },
    });
    const info = manager.runScript('env');
    await until(() => manager?.get(info.id)?.status === 'exited', 15_000, 'the script to exit');
    const lines = manager.logs.search({ processId: info.id, limit: 1000 }).map((l) => l.plain);
    expect(manager.get(info.id)?.exitCode).toBe(0);
    expect(lines.filter((l) => /npm warn/i.test(l))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'npm_config_foo=',
        'pnpm_config_verify_deps_before_run=',
        'WS_USER_VAR=kept',
        'WS_FROM_OPTION=given',
        `HOME=${process.env.HOME ?? ''}`,
        'PATH has node: true',
      ]),
    );
  });
});
