// Fuzz: every GET /stream query parameter and the Last-Event-ID header, over real sockets against the
// spawned binary. An answer is an event stream or a 4xx with a message, never a 5xx or a hang.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { latin1Header, specialString, urlValue, weirdString, wellFormed } from './arbitraries.js';
import { createCollector, type Violation } from './collector.js';
import { probe } from './oracle.js';
import type { RawRequest } from './rawHttp.js';
import { runFuzz, testTimeout } from './runner.js';
import { type FuzzTarget, finishTarget, spawnTarget } from './target.js';

const c = createCollector('stream');
let target: FuzzTarget;
/** Ids the server issued (so resumption from real, old and future ids is exercised). */
const issued: string[] = [];

const pick = fc.nat().map((n) => issued[n % Math.max(issued.length, 1)] ?? '1-0');
const eventId = fc.oneof(
  { arbitrary: pick, weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '0-0',
      '1-0',
      '0',
      '-',
      '-1-0',
      'abc',
      '1-1-1',
      '99999999999999-0',
      '18446744073709551616-0',
      '1e3-0',
      ' 1-0',
      '1-0 ',
      '0x10-0',
      '9007199254740993-9007199254740993',
    ),
    weight: 2,
  },
  { arbitrary: pick.map((id) => id.replace(/-(\d+)$/, (_, n) => `-${Number(n) + 1}`)), weight: 1 },
  { arbitrary: pick.map((id) => id.replace(/^(\d+)/, (m) => String(Number(m) + 10_000))), weight: 1 },
);

const enc = encodeURIComponent;
const valueFor: Record<string, fc.Arbitrary<string>> = {
  channel: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
    fc.constantFrom('a'.repeat(65), 'ops', 'logs'),
    urlValue,
  ),
  type: fc.oneof(fc.constantFrom('info', 'warning', 'error', 'success', 'custom', 'INFO', 'gap', 'ping'), urlValue),
  format: fc.oneof(fc.constantFrom('json', 'text', 'JSON', '', 'json%20', 'json+', 'xml'), urlValue),
  replay: fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '5',
      '1000',
      '1001',
      '-1',
      '1.5',
      '1e3',
      '0x10',
      '%205',
      '5%20',
      'Infinity',
      'NaN',
      '',
      '99999999999999999999',
    ),
    fc.integer({ min: -10, max: 2000 }).map(String),
    urlValue,
  ),
  lastEventId: fc.oneof(eventId.map(enc), urlValue),
  ticket: fc.oneof(
    weirdString(40).map((s) => enc(wellFormed(s))),
    urlValue,
  ),
};
const knownKey = fc.constantFrom(...Object.keys(valueFor));
const param = fc.oneof(
  { arbitrary: knownKey.chain((k) => (valueFor[k] as fc.Arbitrary<string>).map((v) => `${k}=${v}`)), weight: 8 },
  { arbitrary: knownKey.map((k) => k), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.oneof(fc.constantFrom('Channel', 'channel[]', 'format%20', 'replay%00', ''), urlValue), urlValue)
      .map(([k, v]) => `${k}=${v}`),
    weight: 1,
  },
);

const streamCase = fc.record({
  method: fc.oneof(
    { arbitrary: fc.constant('GET'), weight: 12 },
    fc.constantFrom('HEAD', 'POST', 'OPTIONS', 'DELETE', 'PUT'),
  ),
  params: fc.array(param, { maxLength: 6 }),
  separator: fc.constantFrom('&', '&', '&', ';', '&&'),
  lastEventIdHeaders: fc.array(fc.oneof(eventId, weirdString(30).map(latin1Header), specialString.map(latin1Header)), {
    maxLength: 2,
  }),
  accept: fc.option(fc.constantFrom('text/event-stream', '*/*', 'application/json', 'text/html'), { freq: 3 }),
});

describe('fuzz: GET /stream parameters (spawned binary, real sockets)', () => {
  beforeAll(async () => {
    target = await spawnTarget();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${target.url}/api/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `seed ${i}`, channel: i % 2 ? 'ops' : 'default' }),
      });
      issued.push(((await res.json()) as { id: string }).id);
    }
  }, 20_000);

  afterAll(() => finishTarget(target, c), 20_000);

  it(
    'stream parameters: an event stream or a 4xx with a message; no 5xx, no hang',
    async () => {
      await runFuzz(c, 'stream parameters', streamCase, async (s) => {
        const query = s.params.join(s.separator);
        const headers: [string, string][] = s.lastEventIdHeaders.map((v) => ['Last-Event-ID', v]);
        if (s.accept) headers.push(['Accept', s.accept]);
        const req: RawRequest = { method: s.method, path: `/stream${query ? `?${query}` : ''}`, headers };
        const { outcome, violations } = await probe(c, target, `${s.method} /stream`, req, {
          allow503: /connection|limit|too many/i,
        });
        const out: Violation[] = [...violations];
        if (outcome.kind === 'response' && outcome.response.status === 200 && s.method === 'GET') {
          const type = outcome.response.headers['content-type'] ?? '';
          if (!type.startsWith('text/event-stream'))
            out.push({
              kind: 'mismatch',
              what: `GET /stream → 200 that is not an event stream (${type})`,
              reproducer: `curl -i '${req.path}'`,
            });
        }
        return out;
      });
    },
    testTimeout('stream parameters'),
  );
});
