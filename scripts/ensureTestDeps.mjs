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

// Redis on 127.0.0.1:6379 for the scale-out tests (they fail, never skip, without it), and the
// redis-server binary for the fault tests that start a private one.
const redisUp = () =>
  spawnSync('sh', ['-c', 'command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping'], {
    encoding: 'utf8',
  }).stdout?.trim() === 'PONG';
const hasRedisServer = () => spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;
if (!hasRedisServer()) aptInstall('redis-server');
if (!redisUp()) {
  log('starting redis-server on 127.0.0.1:6379');
  execFileSync(
    'redis-server',
    ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'],
    { stdio: 'inherit' },
  );
  for (let i = 0; i < 50 && !redisUp(); i++) spawnSync('sleep', ['0.1']);
  if (!redisUp()) {
    log('redis-server did not answer on 127.0.0.1:6379');
    process.exit(1);
  }
}

// NATS (JetStream), RabbitMQ and Mosquitto for the bridge tests: started (or installed, as root) when
// they do not answer. The bridge tests fail, never skip, without them.
const brokers = spawnSync(
  process.execPath,
  [new URL('../packages/bridges/scripts/ensureBrokers.mjs', import.meta.url).pathname],
  {
    stdio: 'inherit',
  },
);
if (brokers.status !== 0) process.exit(1);
