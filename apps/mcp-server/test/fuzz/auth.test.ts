// Fuzz: Authorization headers, session cookies and tickets against the spawned binary with --token.
// Besides the general properties: no request without a valid credential is served (401 exactly), and
// a request with an unambiguously valid credential the route accepts is never refused with 401.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN } from '../helpers.js';
import { latin1Header, rarely, specialString, weirdString, wellFormed } from './arbitraries.js';
import { createCollector, type Violation } from './collector.js';
import { probe } from './oracle.js';
import { type RawRequest, toCurl } from './rawHttp.js';
import { runFuzz, testTimeout } from './runner.js';
import { type FuzzTarget, finishTarget, spawnTarget } from './target.js';

type Validity = 'valid' | 'invalid' | 'unknown';
type Kind = 'bearer' | 'cookie' | 'ticket';

interface Route {
  method: string;
  path: string;
  body?: string;
  accepts: Kind[];
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/stream', accepts: ['bearer', 'cookie', 'ticket'] },
  { method: 'GET', path: '/stream?format=json&channel=ops', accepts: ['bearer', 'cookie', 'ticket'] },
  { method: 'GET', path: '/api/history?limit=2', accepts: ['bearer', 'cookie'] },
  { method: 'GET', path: '/api/stats', accepts: ['bearer', 'cookie'] },
  { method: 'GET', path: '/api/processes', accepts: ['bearer', 'cookie'] },
  { method: 'POST', path: '/api/push', body: '{"message":"auth fuzz"}', accepts: ['bearer', 'cookie'] },
  { method: 'POST', path: '/api/session', body: '{}', accepts: ['bearer'] },
  { method: 'POST', path: '/api/ticket', body: '{}', accepts: ['bearer', 'cookie'] },
  { method: 'GET', path: '/metrics', accepts: ['bearer', 'cookie'] },
  // A request that is not initialize: past auth it is a 400 (no session is created).
  { method: 'POST', path: '/mcp', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', accepts: ['bearer'] },
];

/** Changes a secret so that it must no longer be accepted. */
const mutate = (secret: string) =>
  fc.oneof(
    fc.constant(secret.slice(0, -1)),
    fc.constant(secret.slice(1)),
    weirdString(3)
      .filter((s) => s.length > 0)
      .map((s) => `${secret}${latin1Header(s) || 'x'}`),
    fc.constant(`${secret}${secret}`),
    fc.constant(secret.toUpperCase()),
    fc
      .nat({ max: secret.length - 1 })
      .map((i) => `${secret.slice(0, i)}${secret[i] === 'z' ? 'y' : 'z'}${secret.slice(i + 1)}`),
  );

const authorization: fc.Arbitrary<{ values: string[]; validity: Validity }> = fc.oneof(
  {
    arbitrary: fc
      .constantFrom(`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER ${TOKEN}`)
      .map((v) => ({ values: [v], validity: 'valid' as const })),
    weight: 3,
  },
  {
    arbitrary: fc
      .constantFrom(`Bearer  ${TOKEN}`, `Bearer\t${TOKEN}`, ` Bearer ${TOKEN}`, `Bearer ${TOKEN} `)
      .map((v) => ({ values: [v], validity: 'unknown' as const })),
    weight: 1,
  },
  {
    arbitrary: fc
      .oneof(
        mutate(TOKEN).map((t) => `Bearer ${t}`),
        fc.constantFrom(
          '',
          'Bearer',
          'Bearer ',
          TOKEN,
          `Token ${TOKEN}`,
          `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
          `Bearer ${TOKEN},Bearer x`,
          `Bearer "${TOKEN}"`,
          `Bearer ${encodeURIComponent(`${TOKEN}/`)}`,
        ),
        weirdString(40).map(latin1Header),
        specialString.map((s) => `Bearer ${latin1Header(s)}`),
      )
      .map((v) => ({ values: [v], validity: 'invalid' as const })),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer nope'), fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer nope'))
      .map(([a, b]) => ({ values: [a, b], validity: 'unknown' as const })),
    weight: 1,
  },
);

let session = '';
const cookieArb: fc.Arbitrary<{ value: (s: string) => string; validity: Validity }> = fc.oneof(
  {
    arbitrary: fc
      .constantFrom(
        (s: string) => `webstream_session=${s}`,
        (s: string) => `a=b; webstream_session=${s}`,
        (s: string) => `webstream_session=${s}; x=y`,
      )
      .map((value) => ({ value, validity: 'valid' as const })),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom(
        (s: string) => `webstream_session=${s.replace(/^(\d)/, (d) => String((Number(d) + 1) % 10))}`,
        (s: string) => `webstream_session=${s.slice(0, -2)}`,
        (s: string) => `webstream_session=1.${s.split('.')[1]}`,
        (s: string) => `webstream_session=${s.split('.')[0]}.`,
        (s: string) => `webstream_session=.${s}`,
        () => 'webstream_session=',
        () => `webstream_session=${TOKEN}`,
        () => 'webstream_session=%',
        () => 'webstream_session=%E0%A4%A',
        () => ';;=;webstream_session',
        () => '',
      )
      .map((value) => ({ value, validity: 'invalid' as const })),
    weight: 3,
  },
  {
    arbitrary: weirdString(60).map((junk) => ({ value: () => latin1Header(junk), validity: 'invalid' as const })),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(
        (s: string) => `webstream_session=nope; webstream_session=${s}`,
        (s: string) => `webstream_session=${s}; webstream_session=nope`,
        (s: string) => `webstream_session="${s}"`,
        (s: string) => `webstream_session=${s.replace('.', '%2E')}`,
      )
      .map((value) => ({ value, validity: 'unknown' as const })),
    weight: 1,
  },
);

const authCase = fc.record({
  route: fc.constantFrom(...ROUTES),
  authorization: fc.option(authorization, { freq: 2 }),
  cookie: fc.option(cookieArb, { freq: 2 }),
  ticket: rarely(fc.oneof(fc.constant('fresh' as const), fc.constant('used' as const), weirdString(30)), 4),
});

const c = createCollector('auth');
let target: FuzzTarget;
let usedTicket = '';

async function ticket(): Promise<string> {
  const res = await fetch(`${target.url}/api/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as { ticket: string }).ticket;
}

describe('fuzz: credentials against a server with --token (spawned binary, real sockets)', () => {
  beforeAll(async () => {
    target = await spawnTarget(['--token', TOKEN]);
    const res = await fetch(`${target.url}/api/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    session = /webstream_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(session).not.toBe('');
    usedTicket = await ticket();
    await fetch(`${target.url}/stream?ticket=${usedTicket}`).then((r) => r.body?.cancel());
  }, 20_000);

  afterAll(() => finishTarget(target, c), 20_000);

  it(
    'auth credentials: 401 with a message without a valid credential, served with one; no 5xx, no hang',
    async () => {
      await runFuzz(c, 'auth credentials', authCase, async (a) => {
        const headers: [string, string][] = [];
        for (const v of a.authorization?.values ?? []) headers.push(['Authorization', v]);
        if (a.cookie) headers.push(['Cookie', a.cookie.value(session)]);
        if (a.route.body !== undefined) headers.push(['Content-Type', 'application/json']);
        let ticketValidity: Validity | undefined;
        let path = a.route.path;
        if (a.ticket !== null) {
          const value = a.ticket === 'fresh' ? await ticket() : a.ticket === 'used' ? usedTicket : wellFormed(a.ticket);
          ticketValidity = a.ticket === 'fresh' ? 'valid' : 'invalid';
          path += `${path.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(value)}`;
        }
        const req: RawRequest = { method: a.route.method, path, headers, body: a.route.body };
        const route = `${a.route.method} ${a.route.path.split('?')[0]}`;
        const { outcome, violations } = await probe(c, target, route, req, { allow503: /too many|limit/i });
        if (outcome.kind !== 'response') return violations;
        const given: [Kind, Validity | undefined][] = [
          ['bearer', a.authorization?.validity],
          ['cookie', a.cookie?.validity],
          ['ticket', ticketValidity],
        ];
        const accepted = given.filter(([k]) => a.route.accepts.includes(k));
        const served = accepted.some(([, v]) => v === 'valid');
        const refused = accepted.every(([, v]) => v === undefined || v === 'invalid');
        const { status } = outcome.response;
        const out: Violation[] = [...violations];
        const credentials =
          given
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'none';
        if (refused && status !== 401)
          out.push({
            kind: 'auth',
            what: `${route} with ${credentials} → ${status}, not 401`,
            reproducer: toCurl(req),
          });
        if (served && status === 401)
          out.push({
            kind: 'auth',
            what: `${route} refused a valid credential (${credentials})`,
            reproducer: toCurl(req),
          });
        return out;
      });
    },
    testTimeout('auth credentials'),
  );
});
