// Makes sure the three brokers the bridge tests use answer on 127.0.0.1, starting (and, as root with
// apt-get, installing) the ones that do not: NATS with JetStream on 4222, RabbitMQ on 5672
// (guest/guest), Mosquitto on 1883. Idempotent: a broker that answers is left alone. Every wait is
// bounded. Prints what it does to stderr; exits 1 naming what is still missing.
//
//   node packages/bridges/scripts/ensureBrokers.mjs            # all three
//   node packages/bridges/scripts/ensureBrokers.mjs nats mqtt  # some of them
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Socket } from 'node:net';

const log = (msg) => process.stderr.write(`[brokers] ${msg}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
let aptUpdated = false;

/**
 * Whether something listens on 127.0.0.1:`port`: with `firstLine`, the first line it sends (NATS
 * starts with INFO), else '' once the connection is accepted (RabbitMQ and Mosquitto wait for the
 * client); null when nothing answers.
 */
function greet(port, firstLine = false, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    let connected = false;
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(connected ? data : null));
    socket.once('error', () => done(null));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\n')) done(data.split('\n')[0]);
    });
    socket.connect(port, '127.0.0.1', () => {
      connected = true;
      if (!firstLine) done('');
    });
  });
}

async function waitUntil(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`${what} did not answer within ${timeoutMs / 1000} s`);
  return false;
}

function aptInstall(pkg) {
  if (!has('apt-get') || process.getuid?.() !== 0) {
    log(`cannot install ${pkg}: run "apt-get install -y ${pkg}" as root, then retry`);
    return false;
  }
  if (!aptUpdated) {
    log('apt-get update');
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2] });
    aptUpdated = true;
  }
  log(`apt-get install -y ${pkg}`);
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return true;
}

function detached(command, args) {
  spawn(command, args, { detached: true, stdio: 'ignore' }).unref();
}

const BROKERS = {
  nats: {
    port: 4222,
    binary: 'nats-server',
    pkg: 'nats-server',
    waitMs: 15_000,
    // JetStream must be on: the INFO line says so.
    ok: async () => {
      const info = await greet(4222, true);
      if (info === null) return false;
      if (!/"jetstream":\s*true/.test(info))
        log('nats-server on 4222 answers but without JetStream (start it with -js)');
      return true;
    },
    start() {
      mkdirSync('/var/lib/nats-server', { recursive: true });
      const args = [
        '-a',
        '127.0.0.1',
        '-p',
        '4222',
        '-js',
        '-sd',
        '/var/lib/nats-server',
        '-l',
        '/var/log/nats-server.log',
      ];
      const exe = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
      if (has('start-stop-daemon')) {
        execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', exe, '--', ...args], {
          stdio: 'inherit',
        });
      } else detached(exe, args);
    },
  },
  amqp: {
    port: 5672,
    binary: 'rabbitmq-server',
    pkg: 'rabbitmq-server',
    waitMs: 120_000,
    ok: async () => (await greet(5672)) !== null,
    start() {
      // The Debian wrapper runs the node as the rabbitmq user; -detached returns at once.
      execFileSync('rabbitmq-server', ['-detached'], { stdio: 'inherit' });
    },
  },
  mqtt: {
    port: 1883,
    binary: 'mosquitto',
    pkg: 'mosquitto',
    waitMs: 15_000,
    ok: async () => (await greet(1883)) !== null,
    start() {
      const conf = '/etc/mosquitto/mosquitto.conf';
      // Without a config file, mosquitto 2 listens on localhost only, anonymous allowed: what the tests need.
      execFileSync('mosquitto', existsSync(conf) ? ['-d', '-c', conf] : ['-d', '-p', '1883'], { stdio: 'inherit' });
    },
  },
};

async function ensure(name) {
  const b = BROKERS[name];
  if (await b.ok()) {
    log(`${name}: answers on 127.0.0.1:${b.port}`);
    return true;
  }
  if (!has(b.binary) && !aptInstall(b.pkg)) return false;
  // A package install may have started the service already.
  if (await b.ok()) {
    log(`${name}: answers on 127.0.0.1:${b.port}`);
    return true;
  }
  log(`${name}: starting ${b.binary}`);
  try {
    b.start();
  } catch (error) {
    log(`${name}: could not start ${b.binary}: ${error.message}`);
    return false;
  }
  const up = await waitUntil(`${name} on 127.0.0.1:${b.port}`, b.ok, b.waitMs);
  if (up) log(`${name}: answers on 127.0.0.1:${b.port}`);
  return up;
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BROKERS);
const unknown = names.filter((n) => !(n in BROKERS));
if (unknown.length > 0) {
  log(`unknown broker(s) ${unknown.join(', ')}; known: ${Object.keys(BROKERS).join(', ')}`);
  process.exit(2);
}
const results = await Promise.all(names.map(ensure));
const missing = names.filter((_, i) => !results[i]);
if (missing.length > 0) {
  log(`not answering: ${missing.join(', ')}`);
  process.exit(1);
}
