import { type ReadyProcess, spawnReady } from './process.js';
import { freePort } from './server.js';

/** The Redis the tests share (`pnpm test` starts one there if none answers), with a unique key prefix per test. */
export const TEST_REDIS_URL = process.env.WEBSTREAM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A `redis-server` of a test's own, for fault tests that stop and restart it. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILLs it (as a crash would); resolves once it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>;
}

/** Starts `redis-server` on 127.0.0.1 on a free port, without persistence; resolves once it accepts connections. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ReadyProcess | undefined;
  const start = async () => {
    server = await spawnReady(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { ready: /Ready to accept connections/, stream: 'stdout' },
    );
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      await server?.stop('SIGKILL');
    },
  };
}
