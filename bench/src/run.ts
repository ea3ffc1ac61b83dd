// `pnpm bench`: the library-level fan-out bench, then the end-to-end bench of the real webstream server
// against raw node:http, better-sse and nginx + nchan, all in this run on this machine.
// `pnpm bench --help` lists the options; `pnpm bench --quick` is a smoke run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { canPin, coreLayout } from './e2e/proc.js';
import { runServerBench } from './e2e/serverBench.js';
import { summarize } from './e2e/summary.js';
import { runLibraryBench } from './library.js';
import { parseOptions, USAGE } from './options.js';
import { runProfile } from './profile.js';
import { runWsBench } from './wsFanout.js';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    console.log(USAGE);
    return;
  }
  const pinning = options.pin && canPin();
  const cores = coreLayout(pinning);
  console.log(
    `webstream bench${options.quick ? ' (quick)' : ''}: node ${process.version}, ${cores.total} core(s)${options.pin && !pinning ? ', taskset not available: not pinned' : ''}`,
  );
  if (options.profile) {
    await runProfile(options, cores);
    return;
  }
  const out: Record<string, unknown> = { date: new Date(), options };
  if (options.suites.includes('library')) {
    console.log('');
    out.library = await runLibraryBench(options.library, cores);
  }
  if (options.suites.includes('servers')) {
    console.log('\nEnd to end: each server as its own process, publishing over HTTP, receiving on raw sockets');
    const results = await runServerBench(options, cores);
    console.log(`\n${summarize(results)}`);
    out.servers = Object.fromEntries(
      [...results].map(([s, variants]) => [
        s,
        Object.fromEntries([...variants].map(([v, servers]) => [v, Object.fromEntries(servers)])),
      ]),
    );
  }
  if (options.suites.includes('ws')) {
    console.log('');
    out.ws = await runWsBench(options);
  }
  mkdirSync(new URL('../results', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/latest.json', import.meta.url), JSON.stringify(out, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
