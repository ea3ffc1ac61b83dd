// The README's embeddings, run exactly as written: each ```ts block that embeds the hub is taken
// from the README, its imports are bound to this package's source (and the real node:http, Hono
// and @hono/node-server), port 8000 becomes 0, and it runs. Then a real EventSource reads it over
// a real socket, and a bad query parameter must be answered 400.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as honoServer from '@hono/node-server';
import { EventSource } from 'eventsource';
import * as hono from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as coreNode from '../src/node.js';
import { until } from './server.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const READMES = {
  root: new URL('../../../README.md', import.meta.url),
  package: new URL('../README.md', import.meta.url),
};

/** The first ```ts block of `readme` that contains `marker`. */
function snippet(readme: URL, marker: string): string {
  const blocks = [...readFileSync(readme, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const found = blocks.find((b) => b.includes(marker));
  if (found === undefined) throw new Error(`no \`\`\`ts block with ${marker} in ${readme.pathname}`);
  return found;
}

/** Runs a snippet with its imports bound to real modules; returns the hub it made and the server it started. */
async function run(code: string): Promise<{ hub: core.Hub; port: number }> {
  let hub: core.Hub | undefined;
  let server: http.Server | undefined;
  const modules: Record<string, object> = {
    'node:http': {
      ...http,
      createServer: (...args: Parameters<typeof http.createServer>) => {
        server = http.createServer(...args);
        return server;
      },
    },
    '@ws/sse-core': {
      ...core,
      createHub: (options?: core.HubOptions) => {
        hub = core.createHub(options);
        return hub;
      },
    },
    '@ws/sse-core/node': coreNode,
    hono,
    '@hono/node-server': {
      ...honoServer,
      serve: (...args: Parameters<typeof honoServer.serve>) => {
        server = honoServer.serve(...args) as http.Server;
        return server;
      },
    },
  };
  const body = code
    .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
      if (!(from in modules)) throw new Error(`the README imports ${from}, which this test does not provide`);
      return `const {${names}} = modules[${JSON.stringify(from)}];`;
    })
    .replace(/\b8000\b/g, '0');
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (modules: Record<string, object>) => Promise<void>;
  await new AsyncFunction('modules', body)(modules);
  if (!hub || !server) throw new Error('the snippet made no hub or no server');
  const started = server;
  if (!started.listening) await new Promise((r) => started.once('listening', r));
  const { port } = started.address() as AddressInfo;
  const made = hub;
  cleanup.push(
    () => made.close(),
    () => new Promise((r) => started.close(r)),
    () => started.closeAllConnections(),
  );
  return { hub: made, port };
}

/** A real EventSource that records `update` events and the default ones. */
function open(url: string) {
  const es = new EventSource(url);
  cleanup.push(() => es.close());
  const got: { type: string; data: string; id: string }[] = [];
  const record = (e: MessageEvent) => got.push({ type: e.type, data: e.data, id: e.lastEventId });
  es.addEventListener('update', record);
  es.addEventListener('message', record);
  return { es, got };
}

const cases = [
  ['root README, node:http', READMES.root, 'handleSseRequest('],
  ['root README, Hono', READMES.root, 'createSseResponse('],
  ['package README, node:http', READMES.package, 'handleSseRequest('],
  ['package README, Hono', READMES.package, 'createSseResponse('],
] as const;

describe('the README embeddings, run as written', () => {
  it.each(cases)('%s: at most 10 lines of code, no URL code', (_name, readme, marker) => {
    const code = snippet(readme, marker);
    const lines = code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(code).not.toMatch(/new URL|searchParams|queries\(|\.query\(/);
  });

  it.each(cases)(
    '%s: filters from the query, replays, resumes, and answers a bad parameter 400',
    async (_n, readme, marker) => {
      const { hub, port } = await run(snippet(readme, marker));
      const base = `http://127.0.0.1:${port}/stream`;
      const client = open(`${base}?channel=news&type=update&replay=1`);
      await until(() => client.got.length === 1, 5000, 'the replayed hello');
      expect(client.got[0]).toMatchObject({ type: 'update', data: '{"hello":"world"}' });
      await hub.publish({ data: 'elsewhere', channel: 'sport', type: 'update' });
      await hub.publish({ data: 'untyped', channel: 'news' });
      const { event } = await hub.publish({ data: { n: 2 }, channel: 'news', type: 'update' });
      await until(() => client.got.length === 2, 5000, 'the live event');
      expect(client.got[1]).toEqual({ type: 'update', data: '{"n":2}', id: event.id });
      // A first request resumes from ?lastEventId= (the hello's id): exactly what came after it.
      const resumed = open(`${base}?lastEventId=${encodeURIComponent(client.got[0]?.id ?? '')}`);
      await until(() => resumed.got.length === 3, 5000, 'the resumed events');
      expect(resumed.got.map((e) => e.data)).toEqual(['elsewhere', 'untyped', '{"n":2}']);
      for (const [query, message] of [
        ['?replay=-1', 'replay must be a non-negative integer (got "-1")\n'],
        ['?format=fancy', 'unknown format "fancy" (known: default)\n'],
        ['?channel=', 'channel must be 1-256 characters without CR, LF or NUL (got "")\n'],
      ]) {
        const res = await fetch(`${base}${query}`);
        expect(res.status, query).toBe(400);
        expect(await res.text()).toBe(message);
      }
      expect(hub.stats().clients).toBe(2);
    },
  );
});
