// Test helpers: waiting for conditions, checking the shared brokers, and private broker instances
// (on free ports, in temporary folders) that a test may stop and start without touching the shared ones.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Polls `condition` every 20 ms until it is truthy; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

/** Fails with a message saying how to start the shared broker when it does not answer. */
export async function requireBroker(port: number, name: string): Promise<void> {
  if (!(await answers(port))) {
    throw new Error(
      `${name} does not answer on 127.0.0.1:${port}: run "node packages/bridges/scripts/ensureBrokers.mjs"`,
    );
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A suffix unique to this test run, for subjects, queues and topics. */
export function unique(prefix: string): string {
  return `${prefix}${process.pid}x${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** A broker this test started: `stop()` and `start()` restart it with its data kept; `close()` removes it. */
export interface PrivateBroker {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function processBroker(
  what: string,
  port: number,
  dir: string,
  command: string,
  args: string[],
): Promise<PrivateBroker> {
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(command, args, { stdio: 'ignore' });
    await waitFor(() => answers(port), `${what} on port ${port}`, 20_000);
  };
  const stop = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill('SIGTERM');
    await exited(c);
  };
  await start();
  return {
    port,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private `nats-server -js` with a file store in a temporary folder. */
export async function startPrivateNats(): Promise<PrivateBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wsbr-nats-'));
  return processBroker('nats-server', port, dir, 'nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    dir,
  ]);
}

/** A private mosquitto with persistence (sessions and queued messages survive a restart). */
export async function startPrivateMosquitto(): Promise<PrivateBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wsbr-mqtt-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'user root',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 100000',
      '',
    ].join('\n'),
  );
  return processBroker('mosquitto', port, dir, 'mosquitto', ['-c', conf]);
}

const RABBITMQ_BIN = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';

/**
 * A private RabbitMQ node (its own node name, AMQP and distribution ports, data and log folders,
 * Erlang cookie). `stop()` is `rabbitmqctl stop` (the whole node halts), `start()` boots it again
 * on the same data: durable queues and persistent messages survive. Boots in about 15 s here.
 */
export async function startPrivateRabbit(): Promise<PrivateBroker> {
  const port = await freePort();
  const distPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wsbr-rabbit-'));
  const node = `wsbr${port}@localhost`;
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(join(RABBITMQ_BIN, 'rabbitmq-server'), [], { env, cwd: dir, stdio: 'ignore', detached: true });
    await waitFor(() => answers(port), `private RabbitMQ on port ${port}`, 90_000);
  };
  const stop = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    await run(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', node, 'stop'], { env, cwd: dir, timeout: 60_000 }).catch(() => {
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    });
    await exited(c);
  };
  await start();
  return {
    port,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
