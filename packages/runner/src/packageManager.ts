import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Package managers the runner knows how to invoke. */
export type PackageManager = 'pnpm' | 'yarn' | 'bun' | 'npm';

/** Which package manager a project uses, and why. */
export interface PackageManagerInfo {
  name: PackageManager;
  /** `packageManager` field, a lockfile name, or `default`. */
  source: string;
}

const LOCKFILES: [file: string, pm: PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
];

/**
 * Detects the package manager: the `packageManager` field of package.json first (Corepack's
 * `name@version`), then lockfiles (pnpm-lock.yaml, yarn.lock, bun.lock/bun.lockb, package-lock.json),
 * then npm.
 */
export function detectPackageManager(cwd: string): PackageManagerInfo {
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { packageManager?: unknown };
    if (typeof pkg.packageManager === 'string') {
      const name = pkg.packageManager.split('@')[0];
      if (name === 'pnpm' || name === 'yarn' || name === 'bun' || name === 'npm')
        return { name, source: 'packageManager field' };
    }
  } catch {
    // No or unreadable package.json: fall through to lockfiles.
  }
  for (const [file, name] of LOCKFILES) if (existsSync(join(cwd, file))) return { name, source: file };
  return { name: 'npm', source: 'default' };
}

/** The argv that runs `script` with `pm` (`pnpm run dev`, `yarn run dev`, ...). */
export function runScriptArgs(pm: PackageManager, script: string): [command: string, ...args: string[]] {
  return [pm, 'run', script];
}
