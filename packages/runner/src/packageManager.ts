import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse, relative, resolve } from 'node:path';
import { LOCKS } from 'package-manager-detector/constants';
import { normalizeAgentVersion, resolveAgent } from 'package-manager-detector/detect';

/** Package managers the runner knows how to invoke. */
export type PackageManager = 'pnpm' | 'yarn' | 'bun' | 'npm';

/** Which package manager a project uses, and why. */
export interface PackageManagerInfo {
  name: PackageManager;
  /**
   * What decided it, relative to the project folder: `packageManager field` (of its own
   * package.json), `packageManager field of ../../package.json`, `devEngines field ...`, a
   * workspace or lock file (`pnpm-lock.yaml`, `../../pnpm-workspace.yaml`), or `default` when
   * nothing was found. Says so when the detected manager is one the runner cannot run.
   */
  source: string;
}

const RUNNABLE: readonly string[] = ['pnpm', 'yarn', 'bun', 'npm'] satisfies PackageManager[];

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The manager a package.json names (`packageManager`, else `devEngines.packageManager`), as the detector reads it. */
function fromPackageJson(path: string): { name: string; field: string } | undefined {
  if (!isFile(path)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as {
      packageManager?: unknown;
      devEngines?: { packageManager?: { name?: unknown; version?: unknown } };
    };
    const named =
      typeof pkg.packageManager === 'string'
        ? { field: 'packageManager', spec: pkg.packageManager.replace(/^\^/, '').split('@') }
        : typeof pkg.devEngines?.packageManager?.name === 'string'
          ? { field: 'devEngines', spec: [pkg.devEngines.packageManager.name, pkg.devEngines.packageManager.version] }
          : undefined;
    if (!named) return undefined;
    const [name, version] = named.spec;
    const agent = resolveAgent(name as never, normalizeAgentVersion(typeof version === 'string' ? version : undefined));
    return agent ? { name: agent.name, field: named.field } : undefined;
  } catch {
    return undefined; // Not JSON: the detector ignores it too.
  }
}

/** Folders from `cwd` up to (not including) the filesystem root, as the detector walks them. */
function* upFrom(cwd: string): Generator<string> {
  let dir = resolve(cwd);
  const { root } = parse(dir);
  for (let i = 0; i < 256 && dir !== root; i++, dir = dirname(dir)) yield dir;
}

function decide(cwd: string, name: string, what: string, file: string): PackageManagerInfo {
  const rel = relative(cwd, file);
  const source = what === 'lockfile' ? rel : rel === 'package.json' ? `${what} field` : `${what} field of ${rel}`;
  if (RUNNABLE.includes(name)) return { name: name as PackageManager, source };
  return { name: 'npm', source: `${source} names ${name}, which the runner cannot run; using npm` };
}

/**
 * Detects the package manager the way a workspace does, with the rules and tables of
 * `package-manager-detector`: from `cwd` up, the nearest folder with a lock or workspace file
 * (`pnpm-lock.yaml`, `pnpm-workspace.yaml`, `yarn.lock`, `bun.lock`, `bun.lockb`,
 * `package-lock.json`, ...) or a package.json naming a manager decides. In that folder the
 * package.json's `packageManager` field (Corepack's `name@version`; else `devEngines.packageManager`)
 * wins over the lockfile. Nothing found: npm.
 *
 * Synchronous (the detector's own `detect()` is async, the runner's API is not); a test checks it
 * agrees with `detect()` on every fixture.
 */
export function detectPackageManager(cwd: string): PackageManagerInfo {
  const base = resolve(cwd);
  for (const dir of upFrom(base)) {
    const pkgPath = join(dir, 'package.json');
    if (isFile(join(dir, 'rush.json'))) return decide(base, 'pnpm', 'lockfile', join(dir, 'rush.json'));
    const lock = Object.keys(LOCKS).find((file) => isFile(join(dir, file)));
    const named = fromPackageJson(pkgPath);
    if (named) return decide(base, named.name, named.field, pkgPath);
    if (lock) return decide(base, LOCKS[lock] as string, 'lockfile', join(dir, lock));
  }
  return { name: 'npm', source: 'default' };
}

/** The argv that runs `script` with `pm` (`pnpm run dev`, `yarn run dev`, ...). */
export function runScriptArgs(pm: PackageManager, script: string): [command: string, ...args: string[]] {
  return [pm, 'run', script];
}
