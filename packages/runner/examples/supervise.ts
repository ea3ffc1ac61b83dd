// Supervises the demo project next to this file: starts its dev server, runs its (crashing) build,
// prints what the runner reports, then stops everything. Run: pnpm --filter @ws/runner example
import { fileURLToPath } from 'node:url';
import { createProcessManager } from '@ws/runner';

const cwd = fileURLToPath(new URL('./demo', import.meta.url));
const runner = createProcessManager({ cwd, stopGraceMs: 2000 });

const info = runner.scriptsInfo();
console.log(`project ${info.cwd}: ${info.packageManager} (${info.packageManagerSource})`);
console.log(`scripts: ${Object.keys(info.scripts).join(', ')}${info.problem ? ` (problem: ${info.problem})` : ''}`);

runner.on('warning', ({ message }) => console.log(`[warning] ${message}`));
runner.on('started', (e) => console.log(`[started] ${e.processName}: ${e.command} (pid ${e.pid})`));
runner.on('log', (_entry, line) => console.log(`[${line.level.padEnd(5)}] ${line.processName} | ${line.plain}`));
runner.on('url', (e) => console.log(`[url]     ${e.processName} serves ${e.url}`));
runner.on('error', ({ detail }) =>
  console.log(`[error]   ${detail.type} at ${detail.file}:${detail.line}:${detail.column}: ${detail.message}`),
);
runner.on('exited', (e) => console.log(`[exited]  ${e.processName}: code ${e.exitCode}, signal ${e.signal}`));

/** Resolves when `check` holds, or rejects after `ms`. */
function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (check()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`no ${what} after ${ms} ms`));
      else return;
      clearInterval(poll);
    }, 20);
  });
}

try {
  const dev = runner.ensureRunning('dev').process;
  await waitFor(() => (runner.get(dev.id)?.urls.length ?? 0) > 0, 15_000, 'dev server URL');
  const again = runner.ensureRunning('dev');
  console.log(
    `ensureRunning('dev') again: alreadyRunning=${again.alreadyRunning}, same id: ${again.process.id === dev.id}`,
  );

  const build = runner.runScript('build');
  await waitFor(() => runner.get(build.id)?.status === 'exited', 15_000, 'build exit');
  const serious = runner.logs.search({ level: 'warn' }).length;
  console.log(`errors detected: ${runner.errors().length}; lines at warn or above: ${serious}`);
} finally {
  await runner.close(); // stops the dev server (SIGTERM to its process group, SIGKILL after 2 s)
  console.log(`still running: ${runner.list({ active: true }).length}`);
}
