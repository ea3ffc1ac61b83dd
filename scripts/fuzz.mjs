// `pnpm fuzz`: a long fuzz campaign against the webstream server (apps/mcp-server/test/fuzz). Every
// property runs its share of --cases (default 20000) and records every violation instead of stopping
// at the first; at the end this prints the counts (cases, 5xx, crashes, hangs, 4xx without message,
// and the rest) and each distinct failure class with a reproducer. Exit code 1 if any was found.
//
//   pnpm fuzz                       # 20000 cases
//   pnpm fuzz --cases 2000          # shorter
//   pnpm fuzz --seed 42 push        # one seed for every property; only test files matching "push"
//                                   # (a filter runs only those files' share of the cases)
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  options: { cases: { type: 'string', default: '20000' }, seed: { type: 'string' }, help: { type: 'boolean' } },
  allowPositionals: true,
});
if (values.help) {
  process.stdout.write(
    'usage: pnpm fuzz [--cases N] [--seed S] [test file filter...]\n' +
      "N (default 20000) is split across all properties by weight; a filter runs only its files' share.\n",
  );
  process.exit(0);
}
const cases = Number(values.cases);
if (!Number.isInteger(cases) || cases < 1) {
  process.stderr.write(`fuzz: --cases must be a positive integer (got ${values.cases})\n`);
  process.exit(2);
}
if (!existsSync(join(root, 'apps/mcp-server/dist/cli.js'))) {
  process.stderr.write('fuzz: apps/mcp-server/dist/cli.js is missing: run "pnpm build" first\n');
  process.exit(2);
}

const reports = mkdtempSync(join(tmpdir(), 'webstream-fuzz-'));
const log = join(reports, 'vitest.log');
const env = { ...process.env, FUZZ_CAMPAIGN: '1', FUZZ_CASES: String(cases), FUZZ_REPORT_DIR: reports };
if (values.seed !== undefined) env.FUZZ_SEED = values.seed;
const filters = positionals.length ? positionals.map((p) => `test/fuzz/${p}`) : ['test/fuzz'];
process.stdout.write(`fuzz: ${cases} cases across the properties; vitest output in ${log}\n`);

const started = Date.now();
const out = createWriteStream(log);
const child = spawn('pnpm', ['--filter', '@ws/mcp-server', 'exec', 'vitest', 'run', ...filters], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
child.stdout.pipe(out, { end: false });
child.stderr.pipe(out, { end: false });
const code = await new Promise((resolve) => child.on('close', resolve));
out.end();

const files = readdirSync(reports).filter((f) => f.endsWith('.json'));
if (files.length === 0) {
  process.stderr.write(`fuzz: no fuzz report was written (vitest exited ${code}); see ${log}\n`);
  process.exit(1);
}
const totals = { cases: 0, counts: {}, statuses: {} };
const classes = [];
for (const f of files) {
  const r = JSON.parse(readFileSync(join(reports, f), 'utf8'));
  totals.cases += r.cases;
  for (const [k, n] of Object.entries(r.counts)) totals.counts[k] = (totals.counts[k] ?? 0) + n;
  for (const [k, n] of Object.entries(r.statuses)) totals.statuses[k] = (totals.statuses[k] ?? 0) + n;
  for (const cl of r.classes) classes.push({ suite: r.suite, ...cl });
  const c = r.counts;
  process.stdout.write(
    `  ${r.suite.padEnd(12)} cases ${String(r.cases).padStart(6)}  5xx ${c['server-error']}  crashes ${c.crash}  hangs ${c.hang}  4xx without message ${c['no-message']}  classes ${r.classes.length}\n`,
  );
}

process.stdout.write(`\nFailure classes (${classes.length}), each with its count and shortest reproducer:\n`);
classes.forEach((v, i) => {
  process.stdout.write(
    `${i + 1}. [${v.suite}/${v.kind}] ${v.what} (seen ${v.count}x)\n   reproduce: ${v.reproducer}\n`,
  );
  if (v.detail) process.stdout.write(`   detail: ${v.detail.replace(/\s+/g, ' ').slice(0, 400)}\n`);
});

const c = totals.counts;
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(
  `\nfuzz totals (${seconds} s): cases run ${totals.cases}, 5xx seen ${c['server-error'] ?? 0}, crashes ${c.crash ?? 0}, ` +
    `hangs ${c.hang ?? 0}, 4xx without message ${c['no-message'] ?? 0}; resets ${c.reset ?? 0}, ` +
    `lost ${c.lost ?? 0}, mismatches ${c.mismatch ?? 0}, MCP errors ${c['mcp-error'] ?? 0}, auth ${c.auth ?? 0}\n`,
);
process.exit(classes.length > 0 || code !== 0 ? 1 : 0);
