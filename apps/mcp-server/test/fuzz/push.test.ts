// Fuzz: POST /api/push and POST /api/ack bodies over real sockets against the spawned binary; every
// accepted push must reach two live /stream subscribers (json and text format) unchanged.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  anyString,
  chunking,
  contentType,
  deepJson,
  jsonWithBadUtf8,
  junkValue,
  nonJsonText,
  rarely,
  rawBytes,
  specialString,
  splitAt,
  weirdString,
  wellFormed,
} from './arbitraries.js';
import { createCollector, type Violation } from './collector.js';
import { probe } from './oracle.js';
import type { RawRequest } from './rawHttp.js';
import { runFuzz, testTimeout } from './runner.js';
import { type Subscriber, subscribe } from './subscriber.js';
import { type FuzzTarget, finishTarget, spawnTarget } from './target.js';

/** An accepted push must reach a live subscriber within this many ms. */
const DELIVERY_MS = 3000;

const validType = fc.constantFrom('info', 'warning', 'error', 'success', 'custom');
const validChannel = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const validPriority = fc.constantFrom('low', 'normal', 'high');
const mostly = <T>(valid: fc.Arbitrary<T>, odd: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid as fc.Arbitrary<unknown>, weight: 5 }, { arbitrary: odd, weight: 1 });

/** A push object: mostly valid fields, sometimes one odd value, CR/LF in channel or type, or extra fields. */
const pushObject = fc
  .tuple(
    fc.record(
      {
        message: mostly(
          weirdString(80).filter((s) => s.length > 0),
          fc.oneof(fc.constantFrom('', 'x'.repeat(65_536)), junkValue),
        ),
        data: junkValue,
        type: mostly(
          validType,
          fc.oneof(fc.constantFrom('INFO', 'info\r\n', 'info\nevent: x', 'in\0fo', ''), junkValue),
        ),
        channel: mostly(
          validChannel,
          fc.oneof(
            fc.constantFrom('a'.repeat(65), 'ops\r\nid: 1', 'ops\n', 'ops\0', 'ops x', 'öps', '\ud800'),
            junkValue,
          ),
        ),
        priority: mostly(validPriority, fc.oneof(specialString, junkValue)),
      },
      { requiredKeys: [] },
    ),
    rarely(fc.dictionary(fc.oneof(weirdString(10), specialString), junkValue, { minKeys: 1, maxKeys: 2 }), 8),
  )
  .map(([fields, extra]) => ({ ...fields, ...(extra ?? {}) }));

const text = (s: string) => Buffer.from(s, 'utf8');

/** A body: a JSON object (most often), another JSON value, deep nesting, non-JSON text or raw bytes. */
const bodyBytes = (objects: fc.Arbitrary<unknown>, field: string) =>
  fc.oneof(
    { arbitrary: objects.map((o) => text(JSON.stringify(o))), weight: 12 },
    { arbitrary: objects.map((o) => text(`\ufeff \n${JSON.stringify(o, null, 2)}\n`)), weight: 1 },
    { arbitrary: junkValue.map((v) => text(JSON.stringify(v) ?? '')), weight: 2 },
    { arbitrary: deepJson.map((d) => text(`{"${field}":"x","data":${d}}`)), weight: 1 },
    { arbitrary: deepJson.map(text), weight: 1 },
    { arbitrary: nonJsonText.map(text), weight: 2 },
    { arbitrary: anyString.map(text), weight: 1 },
    { arbitrary: rawBytes.map((b) => Buffer.from(b)), weight: 1 },
    { arbitrary: jsonWithBadUtf8(field), weight: 1 },
  );

const bodyCase = (objects: fc.Arbitrary<unknown>, field: string) =>
  fc.record({
    body: bodyBytes(objects, field),
    contentType,
    chunks: rarely(chunking, 5),
  });
type BodyCase = { body: Buffer; contentType: string | undefined; chunks: number[] | null };

function request(path: string, c: BodyCase): RawRequest {
  const headers: [string, string][] = c.contentType === undefined ? [] : [['Content-Type', c.contentType]];
  return c.chunks === null
    ? { method: 'POST', path, headers, body: c.body }
    : { method: 'POST', path, headers, chunks: splitAt(c.body, c.chunks) };
}

/** Sorted-key JSON text: compares values regardless of key order (and keeps own `__proto__` keys). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

const c = createCollector('push');
let target: FuzzTarget;
let json: Subscriber;
let plain: Subscriber;
const accepted: string[] = [];

/** Both subscribers must get the accepted push, the json one exactly as accepted, the text one as the seed's frame. */
async function checkDelivery(req: RawRequest, body: Buffer, responseBody: string): Promise<Violation[]> {
  const reproducer = `${req.method} ${req.path} body ${JSON.stringify(body.toString('utf8').slice(0, 300))}`;
  let result: { id?: unknown; timestamp?: unknown };
  try {
    result = JSON.parse(responseBody);
  } catch {
    result = {};
  }
  const { id, timestamp } = result;
  if (typeof id !== 'string' || typeof timestamp !== 'string')
    return [
      { kind: 'mismatch', what: 'POST /api/push → 2xx without an id and timestamp', reproducer, detail: responseBody },
    ];
  accepted.push(id);
  if (accepted.length > 1000) accepted.shift();
  const [asJson, asText] = await Promise.all([json.waitFor(id, DELIVERY_MS), plain.waitFor(id, DELIVERY_MS)]);
  const out: Violation[] = [];
  for (const [sub, got] of [
    [json, asJson],
    [plain, asText],
  ] as const) {
    if (got === undefined)
      out.push({
        kind: 'lost',
        what: `accepted push not received by ${sub.url.includes('json') ? 'a json' : 'a text'} /stream subscriber in ${DELIVERY_MS} ms`,
        reproducer,
        detail: `id ${id}; subscriber errors ${sub.errors}, gaps ${sub.gaps.slice(-2).join(' ')}`,
      });
  }
  // What the server parsed: the body decoded as UTF-8 (BOM dropped, bad bytes replaced), then JSON.
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return [...out, { kind: 'mismatch', what: 'POST /api/push accepted a body that is not JSON', reproducer }];
  }
  const expected = {
    id,
    timestamp,
    channel: input.channel ?? 'default',
    type: input.type ?? 'info',
    priority: input.priority ?? 'normal',
    ...(input.message === undefined ? {} : { message: input.message }),
    ...(input.data === undefined ? {} : { data: input.data }),
  };
  if (asJson !== undefined && canonical(JSON.parse(asJson)) !== canonical(expected))
    out.push({
      kind: 'mismatch',
      what: 'json envelope differs from the accepted push',
      reproducer,
      detail: `expected ${canonical(expected).slice(0, 300)} got ${asJson.slice(0, 300)}`,
    });
  const shown = typeof input.message === 'string' ? input.message : JSON.stringify(input.data);
  const frame = wellFormed(`[${timestamp}] ${shown}`.replace(/\r\n|\r/g, '\n'));
  if (asText !== undefined && asText !== frame)
    out.push({
      kind: 'mismatch',
      what: 'text frame differs from "[timestamp] message"',
      reproducer,
      detail: `expected ${JSON.stringify(frame.slice(0, 200))} got ${JSON.stringify(asText.slice(0, 200))}`,
    });
  return out;
}

describe('fuzz: POST /api/push and /api/ack (spawned binary, real sockets)', () => {
  beforeAll(async () => {
    target = await spawnTarget();
    json = await subscribe(`${target.url}/stream?format=json`);
    plain = await subscribe(`${target.url}/stream`);
  }, 20_000);

  afterAll(async () => {
    json?.[Symbol.dispose]();
    plain?.[Symbol.dispose]();
    await finishTarget(target, c);
  }, 20_000);

  it(
    'push bodies: no 5xx, no hang, a message on every 4xx, every 2xx delivered unchanged to live subscribers',
    async () => {
      await runFuzz(c, 'push bodies', bodyCase(pushObject, 'message'), async (bc) => {
        const req = request('/api/push', bc);
        const { outcome, violations } = await probe(c, target, 'POST /api/push', req, {
          allow503: /^message not accepted/,
        });
        if (outcome.kind !== 'response' || outcome.response.status >= 300) return violations;
        return [...violations, ...(await checkDelivery(req, bc.body, outcome.response.body))];
      });
    },
    testTimeout('push bodies'),
  );

  it(
    'ack bodies: no 5xx, no hang, a message on every 4xx',
    async () => {
      const ack = fc.record(
        {
          id: fc.oneof(
            fc.nat().map((n) => accepted[n % Math.max(accepted.length, 1)] ?? '1-0'),
            anyString,
            junkValue,
          ),
          clientId: mostly(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/), fc.oneof(anyString, junkValue)),
        },
        { requiredKeys: [] },
      );
      await runFuzz(c, 'ack bodies', bodyCase(ack, 'id'), async (bc) => {
        const { violations } = await probe(c, target, 'POST /api/ack', request('/api/ack', bc));
        return violations;
      });
    },
    testTimeout('ack bodies'),
  );
});
