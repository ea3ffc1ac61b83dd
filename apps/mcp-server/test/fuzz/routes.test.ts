// Fuzz: the dev routes (/api/scripts, /api/processes, /api/errors) and /api/history, /api/messages,
// /api/clients over real sockets against the spawned binary on the fixture project. Only the
// fixture's quick `crash` script is ever started (a bounded number of times); `long` never is.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { contentType, specialString, urlValue, wellFormed } from './arbitraries.js';
import { createCollector } from './collector.js';
import { probe } from './oracle.js';
import type { RawRequest } from './rawHttp.js';
import { CAMPAIGN, runFuzz, testTimeout } from './runner.js';
import { type FuzzTarget, finishTarget, spawnTarget } from './target.js';

/** Most processes the fuzzer starts per server (the quick `crash` script only). */
const MAX_SCRIPT_RUNS = CAMPAIGN ? 40 : 6;

const c = createCollector('routes');
let target: FuzzTarget;
let scriptRuns = 0;
const processIds: string[] = [];
const messageIds: string[] = [];

const known = (list: string[]) => fc.nat().map((n) => encodeURIComponent(list[n % Math.max(list.length, 1)] ?? 'p1'));
const segment = fc.oneof(
  { arbitrary: urlValue, weight: 4 },
  { arbitrary: specialString.map((s) => encodeURIComponent(wellFormed(s))), weight: 2 },
  { arbitrary: fc.integer({ min: -2, max: 5 }).map(String), weight: 1 },
);
const limit = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    '50',
    '500',
    '501',
    '1000',
    '1001',
    '10000',
    '10001',
    '1e309',
    '-1e309',
    '1.5',
    'NaN',
    'abc',
    '0x10',
    '%00',
    '%2B1',
    '%201',
  ),
  fc.integer({ min: -5, max: 20_000 }).map(String),
  urlValue,
);
const query = (entries: [string, fc.Arbitrary<string>][]) =>
  fc
    .array(
      fc.constantFrom(...entries).chain(([k, v]) => v.map((value) => `${k}=${value}`)),
      { maxLength: 3 },
    )
    .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

const postBody = fc.record({
  contentType,
  body: fc.constantFrom<string | undefined>('{}', '', undefined, 'not json', '{"x":1}'),
});

interface RouteCase {
  method: string;
  path: string;
  contentType?: string | undefined;
  body?: string | undefined;
}
const post = (path: fc.Arbitrary<string>) =>
  fc.tuple(path, postBody).map(([p, b]): RouteCase => ({ method: 'POST', path: p, ...b }));
const get = (path: fc.Arbitrary<string>): fc.Arbitrary<RouteCase> => path.map((p) => ({ method: 'GET', path: p }));
const processId = fc.oneof(known(processIds), segment);

const routeCase: fc.Arbitrary<RouteCase> = fc.oneof(
  post(
    fc
      .oneof({ arbitrary: fc.constant('crash'), weight: 1 }, { arbitrary: segment, weight: 4 })
      .map((n) => `/api/scripts/${n}/run`),
  ),
  get(processId.map((id) => `/api/processes/${id}`)),
  get(fc.tuple(processId, query([['limit', limit]])).map(([id, q]) => `/api/processes/${id}/logs${q}`)),
  post(fc.tuple(processId, fc.constantFrom('stop', 'restart')).map(([id, a]) => `/api/processes/${id}/${a}`)),
  get(
    query([
      ['limit', limit],
      ['processId', processId],
    ]).map((q) => `/api/errors${q}`),
  ),
  get(
    query([
      ['limit', limit],
      ['channel', fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/), urlValue)],
    ]).map((q) => `/api/history${q}`),
  ),
  get(fc.oneof(known(messageIds), segment).map((id) => `/api/messages/${id}`)),
  fc
    .oneof(fc.constantFrom('0', '1', '2'), segment)
    .map((id): RouteCase => ({ method: 'DELETE', path: `/api/clients/${id}` })),
  fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
      fc.constantFrom(
        '/api/scripts',
        '/api/processes',
        '/api/stats',
        '/api/clients',
        '/api/errors',
        '/api/history',
        '/metrics',
        '/health',
        '/api/scripts/crash/run',
        '/api',
        '/api/',
      ),
    )
    .map(([method, path]): RouteCase => ({ method, path })),
);

/** Decodes every valid percent-encoded run, leaving malformed ones (as the router does). */
const decode = (s: string) =>
  s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });

/** Keeps the fuzzer from starting anything but a bounded number of quick `crash` runs. */
function guard(rc: RouteCase): RouteCase {
  const run = /^\/api\/scripts\/([^/?]*)\/run/.exec(rc.path);
  const restart = /^\/api\/processes\/([^/?]*)\/restart/.exec(rc.path);
  const name = run ? decode(run[1] as string) : undefined;
  if (name === 'long' || (name === 'crash' && scriptRuns >= MAX_SCRIPT_RUNS))
    return { ...rc, path: rc.path.replace(/\/api\/scripts\/[^/?]*\//, '/api/scripts/no-such-script/') };
  if (restart && processIds.includes(decode(restart[1] as string)) && scriptRuns >= MAX_SCRIPT_RUNS)
    return { ...rc, path: rc.path.replace(/\/api\/processes\/[^/?]*\//, '/api/processes/no-such-process/') };
  if (rc.method === 'POST' && (name === 'crash' || (restart && processIds.includes(decode(restart[1] as string)))))
    scriptRuns++;
  return rc;
}

const routeOf = (path: string) =>
  path
    .split('?')[0]
    ?.replace(/^\/api\/scripts\/[^/]*\/run$/, '/api/scripts/:name/run')
    .replace(/^\/api\/processes\/[^/]+/, '/api/processes/:id')
    .replace(/^\/api\/(messages|clients)\/.*/, '/api/$1/:id') ?? path;

describe('fuzz: dev routes and /api/* parameters (spawned binary, real sockets)', () => {
  beforeAll(async () => {
    target = await spawnTarget();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${target.url}/api/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `seed ${i}` }),
      });
      messageIds.push(((await res.json()) as { id: string }).id);
    }
  }, 20_000);

  afterAll(() => finishTarget(target, c), 20_000);

  it(
    'dev and api routes: no 5xx, no hang, a message on every 4xx',
    async () => {
      await runFuzz(c, 'dev and api routes', routeCase, async (generated) => {
        const rc = guard(generated);
        const headers: [string, string][] = rc.contentType === undefined ? [] : [['Content-Type', rc.contentType]];
        const req: RawRequest = { method: rc.method, path: rc.path, headers, body: rc.body };
        const { outcome, violations } = await probe(c, target, `${rc.method} ${routeOf(rc.path)}`, req, {
          allow503: /limit|too many/i,
        });
        if (outcome.kind === 'response' && outcome.response.status === 201) {
          try {
            const id = (JSON.parse(outcome.response.body) as { process?: { id?: unknown } }).process?.id;
            if (typeof id === 'string') processIds.push(id);
          } catch {
            // judged above
          }
        }
        return violations;
      });
    },
    testTimeout('dev and api routes'),
  );
});
