// Helpers of the webstream server's tests; the generic ones (bounded waits, SSE readers, spawned
// processes) are in @ws/testing.
import { fileURLToPath } from 'node:url';
import { copyFixture, type ReadyProcess, spawnReady, until } from '@ws/testing';
import { type ConfigInput, ConfigSchema } from '../src/config/config.js';
import { createLogger } from '../src/server/logger.js';
import { type RunningServer, startServer } from '../src/server/startServer.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** The built binary (the root test commands build first), exactly as a user or an MCP client runs it. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The fixture project: a script that prints and crashes, a long-running one, a burst printer, ... */
export const FIXTURE_PROJECT = fileURLToPath(new URL('./fixtures/project', import.meta.url));

/** A fresh copy of {@link FIXTURE_PROJECT} (dev processes may write into it). */
export const fixtureProject = (prefix = 'ws-mcp-'): string => copyFixture(FIXTURE_PROJECT, prefix);

/**
 * Bound on waiting for something a healthy server does in milliseconds: generous, because the
 * machine may be loaded (a passing test never waits it out; a failing one fails within it).
 */
export const WAIT_MS = 10_000;

/** Bound on a server process starting (node and the bundle take seconds on a busy 2-core machine). */
export const STARTUP_MS = 20_000;

/** A real server on 127.0.0.1:0, closed by `await using`. */
export async function startTestServer(overrides: ConfigInput = {}): Promise<RunningServer & AsyncDisposable> {
  const config = ConfigSchema.parse({ port: 0, logLevel: 'silent', ...overrides });
  const running = await startServer(config, createLogger('silent'));
  return Object.assign(running, { [Symbol.asyncDispose]: () => running.close() });
}

/** `webstream <args>` from the built binary, resolved once it logs its URL; stopped by `await using`. */
export async function spawnWebstream(args: string[]): Promise<ReadyProcess & { url: string }> {
  const running = await spawnReady(process.execPath, [CLI, ...args], {
    ready: /listening on (http:\/\/\S+)/,
    timeoutMs: STARTUP_MS,
  });
  return Object.assign(running, { url: running.match[1] as string });
}

/** Runs `n` tasks, `concurrency` at a time; returns their results in order. */
export async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A response body as JSON, typed loosely: tests assert on it rather than trust it. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by assertions
export const json = (res: Response): Promise<any> => res.json();

/** A `/stream` connection's `connected` event (`named` must include `connected`): what its acks carry. */
export async function identityOf(es: {
  named: { type: string; data: string }[];
}): Promise<{ connection: string; subject?: string; ackKey: string }> {
  await until(() => es.named.some((n) => n.type === 'connected'), WAIT_MS, 'the connected event');
  return JSON.parse(es.named.find((n) => n.type === 'connected')?.data as string);
}

/** The body of `POST /api/ack` for message `id` from the connection with `identity`. */
export const ackFrom = (id: string, identity: { connection: string; ackKey: string }) => ({
  id,
  connection: identity.connection,
  key: identity.ackKey,
});
