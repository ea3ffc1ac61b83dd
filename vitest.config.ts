import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Where the projects are: every `packages/*` and `apps/*` folder with a `vitest.config.ts`, and `bench`. */
const PROJECT_DIRS = [
  ...['packages', 'apps'].flatMap((parent) => readdirSync(parent).map((name) => `${parent}/${name}`)),
  'bench',
].filter((dir) => existsSync(`${dir}/vitest.config.ts`));

/**
 * What `pnpm test:fast` (`vitest run --mode fast`) leaves out, and why: `true` for a whole project,
 * else globs relative to the project. The rule: the fast loop runs unit tests and in-process
 * socket tests; it leaves out what drives a browser or the real compilers, what runs the built
 * artifacts (the binary, the packed tarballs), fuzzing, and volume tests (thousands of messages).
 * `pnpm test` (what CI runs) runs everything.
 */
export const SLOW_TESTS: Record<string, true | Record<string, string>> = {
  'apps/dashboard': true, // drives Chromium and the built server (its few pure unit tests run in `pnpm test`)
  'packages/runner': { 'test/errorDetector.test.ts': 'runs the real tsc, eslint and vite on fixtures' },
  'packages/proxy': { 'test/chromium.test.ts': 'drives Chromium through the proxy (CSP nonces, HMR WebSocket)' },
  'packages/telemetry': { 'test/browser.test.ts': 'drives Chromium on pages with the telemetry script' },
  'apps/mcp-server': {
    'test/pack.test.ts': 'packs every package and installs the tarballs with npm',
    'test/stdio*.test.ts': 'spawn the built binary again and again (MCP over stdio, fronts, exit, cleanup)',
    'test/fuzz/**': 'fast-check properties against spawned servers (100 cases per weight)',
    'test/volume/**': 'thousands of messages per test, to show limits and bounds hold at scale',
    'test/browser{,Repl,Flood,Vite,Stdio}.test.ts':
      'drive Chromium through the dev-server proxy (page telemetry, REPL, a real Vite)',
    'test/wsBrowser.test.ts': "drives Chromium's own WebSocket against /ws",
  },
  bench: { 'src/e2e/harness.test.ts': 'starts the built binary and the other servers, with receiver processes' },
};

/**
 * A project as `pnpm test:fast` runs it: its own config, less its slow files, and without a fresh
 * module graph per test file (`isolate: false`: imports are most of a small file's time). A project
 * that turns file parallelism off keeps isolation, so it runs on its own, one file at a time, as in
 * `pnpm test` (vitest only sets such projects apart when they are isolated).
 */
function fastProject(dir: string): TestProjectInlineConfiguration | undefined {
  const slow = SLOW_TESTS[dir];
  if (slow === true) return undefined;
  return {
    extends: `${dir}/vitest.config.ts`,
    root: dir,
    test: { isolate: false, exclude: [...configDefaults.exclude, ...Object.keys(slow ?? {})] },
    plugins: [
      {
        name: 'webstream:fast-serial-projects-stay-isolated',
        config: (config) => (config.test?.fileParallelism === false ? { test: { isolate: true } } : undefined),
      },
    ],
  };
}

/**
 * Test files run at once in fast mode. The fast tests mostly wait on sockets and child processes,
 * so two files at a time keep even a 2-core machine busy (vitest's default is one per core but
 * one, which is one there).
 */
const FAST_WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig(({ mode }) =>
  mode === 'fast'
    ? { test: { maxWorkers: FAST_WORKERS, projects: PROJECT_DIRS.map(fastProject).filter((p) => p !== undefined) } }
    : { test: { projects: PROJECT_DIRS.map((dir) => `${dir}/vitest.config.ts`) } },
);
