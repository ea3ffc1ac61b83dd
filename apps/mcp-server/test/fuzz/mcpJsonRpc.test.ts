// Fuzz: raw /mcp requests (JSON-RPC bodies: random methods, params, ids, batches, non-objects; with a
// live session, without one, with a stale or made-up one; odd Accept, Content-Type and protocol
// version headers) over real sockets against the spawned binary.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ALL_TOOLS } from '../mcpClient.js';
import { contentType, deepJson, junkValue, nonJsonText, specialString, weirdString } from './arbitraries.js';
import { createCollector, type Violation } from './collector.js';
import { INTERNAL, normalize, probe } from './oracle.js';
import { type RawRequest, type RawResponse, send, toCurl } from './rawHttp.js';
import { CAMPAIGN, runFuzz, testTimeout } from './runner.js';
import { type FuzzTarget, finishTarget, spawnTarget } from './target.js';
import { createToolGuard } from './toolGuard.js';

const c = createCollector('mcpJsonRpc');
const guard = createToolGuard(CAMPAIGN ? 40 : 6);
let target: FuzzTarget;
let session = '';
let staleSession = '';

const PROTOCOL = '2025-11-25';
const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'logging/setLevel',
  'completion/complete',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'tasks/list',
  'sampling/createMessage',
];
const URIS = [
  'logs://recent',
  'logs://errors',
  'processes://active',
  'scripts://available',
  'proxy://requests',
  'proxy://mappings',
  'telemetry://sessions',
  'telemetry://errors',
  'telemetry://console-errors',
];

const initializeParams = {
  protocolVersion: PROTOCOL,
  capabilities: {},
  clientInfo: { name: 'fuzz', version: '1.0.0' },
};
const objectOf = (entries: Record<string, fc.Arbitrary<unknown>>) => fc.record(entries, { requiredKeys: [] });

/** Params shaped for the method most of the time, else any JSON value. */
const paramsFor = (method: string): fc.Arbitrary<unknown> => {
  const shaped: Record<string, fc.Arbitrary<unknown>> = {
    'tools/call': objectOf({
      name: fc.oneof(fc.constantFrom(...ALL_TOOLS), weirdString(20)),
      arguments: junkValue,
      _meta: junkValue,
    }),
    'resources/read': objectOf({ uri: fc.oneof(fc.constantFrom(...URIS), weirdString(30), specialString) }),
    'resources/subscribe': objectOf({ uri: fc.oneof(fc.constantFrom(...URIS), weirdString(30)) }),
    'logging/setLevel': objectOf({
      level: fc.oneof(fc.constantFrom('debug', 'info', 'error', 'emergency'), junkValue),
    }),
    initialize: fc.oneof(
      fc.constant(initializeParams),
      objectOf({
        protocolVersion: fc.oneof(fc.constantFrom(PROTOCOL, '2024-11-05', '1999-01-01'), junkValue),
        capabilities: junkValue,
        clientInfo: junkValue,
      }),
    ),
    'notifications/cancelled': objectOf({ requestId: junkValue, reason: junkValue }),
  };
  // Own keys only: fast-check's strings include "constructor", "toString" and the like, which a plain
  // lookup finds on Object.prototype (a function, not an arbitrary).
  const shape = Object.hasOwn(shaped, method) ? shaped[method] : undefined;
  return shape ? fc.oneof({ arbitrary: shape, weight: 4 }, { arbitrary: junkValue, weight: 1 }) : junkValue;
};

const id = fc.oneof(fc.integer(), weirdString(10), fc.constantFrom(null, 0, -1, 1.5, 2 ** 53 + 2, true, {}, [], ''));
const message = fc
  .oneof({ arbitrary: fc.constantFrom(...METHODS), weight: 5 }, { arbitrary: weirdString(20), weight: 1 })
  .chain((method) =>
    fc.record(
      {
        jsonrpc: fc.oneof({ arbitrary: fc.constant('2.0'), weight: 8 }, { arbitrary: junkValue, weight: 1 }),
        id: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 1e6 }), weight: 5 }, { arbitrary: id, weight: 1 }),
        method: fc.constant(method as unknown),
        params: paramsFor(method),
      },
      { requiredKeys: ['jsonrpc', 'method'] },
    ),
  );
const body = fc.oneof(
  { arbitrary: message.map((m) => JSON.stringify(m)), weight: 10 },
  { arbitrary: fc.array(message, { maxLength: 3 }).map((ms) => JSON.stringify(ms)), weight: 1 },
  { arbitrary: junkValue.map((v) => JSON.stringify(v) ?? 'null'), weight: 1 },
  { arbitrary: nonJsonText, weight: 1 },
  { arbitrary: deepJson.map((d) => `{"jsonrpc":"2.0","id":1,"method":"ping","params":${d}}`), weight: 1 },
);

const mcpCase = fc.record({
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 12 }, fc.constantFrom('GET', 'DELETE', 'PUT')),
  session: fc.oneof(
    { arbitrary: fc.constant('live'), weight: 6 },
    fc.constantFrom('none', 'stale', 'made-up'),
    weirdString(40),
  ),
  body,
  accept: fc.oneof(
    { arbitrary: fc.constant('application/json, text/event-stream'), weight: 6 },
    fc.constantFrom('application/json', 'text/event-stream', '*/*', '', 'text/html'),
  ),
  contentType,
  protocol: fc.oneof(
    { arbitrary: fc.constant(PROTOCOL), weight: 6 },
    fc.constantFrom('2025-06-18', '2024-11-05', 'garbage', '', undefined),
  ),
  lastEventId: fc.option(fc.oneof(weirdString(30), fc.constantFrom('_GET_stream|1-0', 'x|y', '|', '1-0')), { freq: 6 }),
});

/** The JSON-RPC messages in a JSON or event-stream answer. */
function messagesOf(res: RawResponse): unknown[] {
  const parse = (t: string) => {
    try {
      return [JSON.parse(t) as unknown];
    } catch {
      return [];
    }
  };
  if (res.headers['content-type']?.startsWith('text/event-stream'))
    return res.body
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .flatMap((l) => parse(l.slice(5).trim()))
      .flat();
  return parse(res.body).flat();
}

async function initialize(): Promise<string> {
  const headers: [string, string][] = [
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json, text/event-stream'],
  ];
  const init = await send(
    target.port,
    {
      method: 'POST',
      path: '/mcp',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: initializeParams }),
    },
    { untilEnd: true },
  );
  if (init.kind !== 'response') throw new Error(`initialize: ${init.kind}`);
  const id = init.response.headers['mcp-session-id'] ?? '';
  headers.push(['Mcp-Session-Id', id], ['Mcp-Protocol-Version', PROTOCOL]);
  await send(target.port, {
    method: 'POST',
    path: '/mcp',
    headers,
    body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  });
  return id;
}

async function end(id: string) {
  await send(target.port, {
    method: 'DELETE',
    path: '/mcp',
    headers: [
      ['Mcp-Session-Id', id],
      ['Mcp-Protocol-Version', PROTOCOL],
    ],
  });
}

/** Shell that opens a session into $SID (the reproducers of live-session cases start with it). */
const OPEN_SESSION = `SID=$(curl -sS -D - -o /dev/null -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data '${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: initializeParams })}' http://127.0.0.1:8000/mcp | tr -d '\\r' | sed -n 's/^mcp-session-id: //Ip')`;

/** A curl reproducer; with the live session, it opens its own first. */
const reproduce = (req: RawRequest) => {
  const curl = toCurl(req);
  return session && curl.includes(session) ? `${OPEN_SESSION} && ${curl.replace(session, `'"$SID"'`)}` : curl;
};

function judgeMessages(req: RawRequest, res: RawResponse, sent: unknown): Violation[] {
  const out: Violation[] = [];
  const reproducer = reproduce(req);
  // The SDK puts zod issues, as JSON text, in the message: name them by path and code instead.
  const words = (text: string) => {
    try {
      const issues = JSON.parse(text) as { path?: unknown[]; code?: unknown }[];
      return `zod issues: ${issues.map((i) => `${(i.path ?? []).join('.')} ${String(i.code)}`).join(', ')}`;
    } catch {
      return normalize(text).slice(0, 80);
    }
  };
  const single = sent && typeof sent === 'object' && !Array.isArray(sent) ? (sent as { method?: unknown }) : undefined;
  const method =
    typeof single?.method === 'string' ? normalize(single.method) : Array.isArray(sent) ? 'batch' : 'non-request';
  for (const m of messagesOf(res) as {
    id?: unknown;
    error?: { code?: unknown; message?: unknown };
    result?: { isError?: boolean; content?: unknown };
  }[]) {
    const e = m?.error;
    if (e) {
      const text = typeof e.message === 'string' ? e.message.trim() : '';
      if (e.code === -32603 || INTERNAL.test(text))
        out.push({
          kind: 'mcp-error',
          what: `POST /mcp ${method} → JSON-RPC ${String(e.code)} ${words(text)}`,
          reproducer,
        });
      else if (text === '')
        out.push({
          kind: 'mcp-error',
          what: `POST /mcp ${method} → JSON-RPC error ${String(e.code)} without a message`,
          reproducer,
        });
    }
    if (m?.result?.isError) {
      const text = JSON.stringify(m.result.content ?? '');
      if (INTERNAL.test(text))
        out.push({
          kind: 'mcp-error',
          what: `POST /mcp ${method} → isError with an internal exception: ${normalize(text)}`,
          reproducer,
        });
    }
  }
  // A well-formed request that was accepted (200) must be answered, with its own id.
  const r = sent as { jsonrpc?: unknown; id?: unknown; method?: unknown };
  const request =
    r &&
    !Array.isArray(r) &&
    r.jsonrpc === '2.0' &&
    typeof r.method === 'string' &&
    (typeof r.id === 'number' || typeof r.id === 'string');
  if (request && res.status === 200 && !messagesOf(res).some((m) => (m as { id?: unknown })?.id === r.id))
    out.push({
      kind: 'mcp-error',
      what: `POST /mcp ${normalize(String(r.method))} → 200 without a response to the request`,
      reproducer,
      detail: res.body.slice(0, 300),
    });
  return out;
}

describe('fuzz: raw JSON-RPC on /mcp (spawned binary, real sockets)', () => {
  beforeAll(async () => {
    target = await spawnTarget();
    staleSession = await initialize();
    await end(staleSession);
    session = await initialize();
  }, 20_000);

  afterAll(async () => {
    if (target?.alive()) await end(session);
    await finishTarget(target, c);
  }, 20_000);

  it(
    'mcp json-rpc bodies: no 5xx but the session limit, a message on every 4xx and error, never -32603, every request answered',
    async () => {
      await runFuzz(c, 'mcp json-rpc bodies', mcpCase, async (m) => {
        if (await target.revive()) session = await initialize();
        let text = m.body;
        let sent: unknown;
        try {
          sent = JSON.parse(text);
          const sanitize = (x: { method?: unknown; params?: { name?: unknown; arguments?: unknown } }) =>
            x?.method === 'tools/call' && x.params && typeof x.params === 'object'
              ? { ...x, params: { ...x.params, arguments: guard.sanitize(x.params.name, x.params.arguments) } }
              : x;
          sent = Array.isArray(sent) ? sent.map(sanitize) : sanitize(sent as never);
          text = JSON.stringify(sent);
        } catch {
          // not JSON: sent as generated
        }
        const sid =
          m.session === 'live'
            ? session
            : m.session === 'stale'
              ? staleSession
              : m.session === 'made-up'
                ? '00000000-0000-4000-8000-000000000000'
                : m.session === 'none'
                  ? undefined
                  : m.session.replace(/[^\x21-\x7e]/g, '');
        const headers: [string, string][] = [];
        if (m.contentType !== undefined) headers.push(['Content-Type', m.contentType]);
        if (m.accept) headers.push(['Accept', m.accept]);
        if (sid) headers.push(['Mcp-Session-Id', sid]);
        if (m.protocol !== undefined) headers.push(['Mcp-Protocol-Version', m.protocol]);
        if (m.method === 'GET' && m.lastEventId !== null)
          headers.push(['Last-Event-ID', m.lastEventId.replace(/[^\x20-\x7e]/g, '?')]);
        const req: RawRequest = {
          method: m.method,
          path: '/mcp',
          headers,
          body: m.method === 'POST' ? text : undefined,
        };
        const { outcome, violations } = await probe(c, target, `${m.method} /mcp`, req, {
          allow503: /too many MCP sessions/,
          untilEnd: m.method === 'POST',
          reproduce,
        });
        if (outcome.kind !== 'response') return violations;
        const res = outcome.response;
        // A session the fuzz opened (a valid initialize) or ended (DELETE of the live one) is cleaned up or replaced.
        const opened = res.headers['mcp-session-id'];
        if (opened && opened !== session) await end(opened);
        if (m.method === 'DELETE' && sid === session && res.status < 300) session = await initialize();
        return [...violations, ...(m.method === 'POST' ? judgeMessages(req, res, sent) : [])];
      });
    },
    testTimeout('mcp json-rpc bodies'),
  );
});
