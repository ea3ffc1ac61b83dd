// Makes sure the system services and programs the tests use are present, installing them from
// Debian's packages when possible (CI and fresh machines run as root). Prints what it does to stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const log = (msg) => process.stderr.write(`[test deps] ${msg}\n`);
let updated = false;

function aptInstall(pkg) {
  const canApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!canApt || process.getuid?.() !== 0) {
    log(`cannot install ${pkg}: run "apt-get install -y ${pkg}" as root, then retry`);
    process.exit(1);
  }
  if (!updated) {
    log('apt-get update');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    updated = true;
  }
  log(`apt-get install -y ${pkg}`);
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

// Chromium for the dashboard's browser tests (playwright-core drives the system browser).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) aptInstall('chromium');
