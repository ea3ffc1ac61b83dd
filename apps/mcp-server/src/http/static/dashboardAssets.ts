import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built dashboard, loaded into memory: path (`/`, `/assets/x.js`) to body and type. */
export type DashboardAssets = Map<string, { body: Uint8Array; type: string; immutable: boolean }>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Where the built dashboard is: `dashboard/` beside this bundle (the build copies it there, so the
 * published package has it), else `@ws/dashboard`'s `dist/` in the workspace (running from source).
 */
function findDashboard(): string | undefined {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');
  if (existsSync(join(bundled, 'index.html'))) return bundled;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@ws/dashboard/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * Loads the built dashboard (or `dir`). Files are served from memory by exact path, so no request
 * can reach outside it. `undefined` when the dashboard is not built.
 */
export function loadDashboard(dir?: string): DashboardAssets | undefined {
  const root = dir ?? findDashboard();
  if (root === undefined || !existsSync(join(root, 'index.html'))) return undefined;
  const assets: DashboardAssets = new Map();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      if (statSync(file).isDirectory()) walk(file);
      else {
        const path = `/${relative(root as string, file)
          .split('\\')
          .join('/')}`;
        assets.set(path === '/index.html' ? '/' : path, {
          body: readFileSync(file),
          type: TYPES[extname(file)] ?? 'application/octet-stream',
          immutable: path.startsWith('/assets/'),
        });
      }
    }
  };
  walk(root);
  return assets;
}
