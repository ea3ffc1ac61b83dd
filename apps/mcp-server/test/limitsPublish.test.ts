import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { cleanupAfterEach, openEventSource } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { createLocalApi } from '../src/api/localApi.js';
import { createPublishPolicy, LOCAL_PUBLISHER, type Publisher } from '../src/limits/publishPolicy.js';
import { createMcpServer } from '../src/mcp/createMcpServer.js';
import { mcpAuthInfo, publisherOf, setMcpCaller } from '../src/mcp/http/mcpCaller.js';
import { createStreamService } from '../src/stream/streamService.js';
import { ackFrom, identityOf, json, pool, post, startTestServer, TOKEN } from './helpers.js';

const defer = cleanupAfterEach();

const REMOTE = { 'x-forwarded-for': '203.0.113.50' };

describe('publish policy: trusted publishers are not throttled by default, anonymous remote ones are', () => {
  it('an anonymous remote publisher is limited on push, ack and dev actions alike; the bearer is not', async () => {
    await using open = await startTestServer({ trustProxy: '1', rateBurst: 3, rateLimit: 0.01 });
    using tab = openEventSource(`${open.url}/stream`, { named: ['connected'] });
    const identity = await identityOf(tab);
    const { id } = await json(await post(`${open.url}/api/push`, { message: 'one' }, REMOTE));
    expect((await post(`${open.url}/api/ack`, ackFrom(id, identity), REMOTE)).status).toBe(200);
    // Dev processes are not enabled on a bare test server (404), but the request still counts.
    expect((await post(`${open.url}/api/processes/x/stop`, {}, REMOTE)).status).toBe(404);
    const limited = await post(`${open.url}/api/push`, { message: 'four' }, REMOTE);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited)).error).toMatch(
      /^rate limit exceeded \(0.01\/s, burst 3\) for anonymous remote publishers; retry in \d+ s$/,
    );
    // The same client from this machine (no proxy header) is trusted.
    expect((await post(`${open.url}/api/push`, { message: 'local' })).status).toBe(200);

    await using guarded = await startTestServer({ token: TOKEN, trustProxy: '1', rateBurst: 3, rateLimit: 0.01 });
    const bearer = { ...REMOTE, authorization: `Bearer ${TOKEN}` };
    const statuses = await pool(
      100,
      4,
      async (i) => (await post(`${guarded.url}/api/push`, { message: `${i}` }, bearer)).status,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('--trusted-rate-limit limits trusted publishers too (burst: one second or --rate-burst, the larger)', async () => {
    await using server = await startTestServer({ trustedRateLimit: 2, rateBurst: 1 });
    const out = [];
    for (let i = 0; i < 3; i++) out.push(await post(`${server.url}/api/push`, { message: `${i}` }));
    expect(out.map((r) => r.status)).toEqual([200, 200, 429]);
    expect((await json(out[2] as Response)).error).toMatch(
      /^rate limit exceeded \(--trusted-rate-limit 2\/s, burst 2\); retry in 1 s$/,
    );
    expect(out[2]?.headers.get('retry-after')).toBe('1');
  });

  it('the policy: who is trusted, and buckets that refill with time', () => {
    let now = 0;
    const policy = createPublishPolicy({ rateLimit: 1, rateBurst: 2, tokenRequired: false, now: () => now });
    const remote: Publisher = { address: '203.0.113.1', authenticated: false, loopback: false };
    expect(policy.trusted(LOCAL_PUBLISHER)).toBe(true);
    expect(policy.trusted({ address: '127.0.0.1', authenticated: false, loopback: true })).toBe(true);
    expect(policy.trusted(remote)).toBe(false);
    expect([policy.check(remote).ok, policy.check(remote).ok, policy.check(remote).ok]).toEqual([true, true, false]);
    now += 1000;
    expect(policy.check(remote).ok).toBe(true);
    const guarded = createPublishPolicy({ tokenRequired: true });
    expect(guarded.trusted({ address: '127.0.0.1', authenticated: false, loopback: true })).toBe(false);
    expect(guarded.trusted({ address: '203.0.113.1', authenticated: true, loopback: false })).toBe(true);
  });
});

describe('push_stream follows the same policy', () => {
  it('a caller recorded on the /mcp request reaches the tool: an anonymous remote one is limited, with when to retry', async () => {
    // The Streamable HTTP wiring as McpSessions does it, plus the authInfo hand-over (mcpAuthInfo).
    const service = createStreamService();
    const caller: Publisher = { address: '203.0.113.9', authenticated: false, loopback: false };
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID() });
    const mcp = createMcpServer({
      api: createLocalApi({ service, publishPolicy: createPublishPolicy({ rateLimit: 0.01, rateBurst: 2 }) }),
    });
    await mcp.connect(transport);
    const http = createServer(
      getRequestListener(
        (request) => {
          setMcpCaller(request, caller);
          return transport.handleRequest(request, { authInfo: mcpAuthInfo(request) });
        },
        { overrideGlobalObjects: false },
      ),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    defer(
      () => new Promise((r) => http.close(r)),
      () => mcp.close(),
      () => service.close(),
    );
    const client = new Client({ name: 'limits-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)),
    );
    defer(() => client.close());
    const results: CallToolResult[] = [];
    for (let i = 0; i < 3; i++) {
      results.push((await client.callTool({ name: 'push_stream', arguments: { message: `${i}` } })) as CallToolResult);
    }
    expect(results.map((r) => r.isError ?? false)).toEqual([false, false, true]);
    expect(results[2]?.content).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(
          /^rate limit exceeded \(0.01\/s, burst 2\) for anonymous remote publishers; retry in \d+ s$/,
        ),
      },
    ]);
    expect(service.hub.stats().published).toBe(2);
  });

  it('the caller hand-over: recorded per Request, absent means the local user (stdio)', () => {
    const request = new Request('http://127.0.0.1/mcp', { method: 'POST' });
    expect(mcpAuthInfo(request)).toBeUndefined();
    const who: Publisher = { address: '198.51.100.3', authenticated: true, loopback: false };
    setMcpCaller(request, who);
    expect(publisherOf({ http: { authInfo: mcpAuthInfo(request) } })).toEqual(who);
    expect(publisherOf({ http: { authInfo: mcpAuthInfo(new Request('http://127.0.0.1/mcp')) } })).toBe(LOCAL_PUBLISHER);
    expect(publisherOf({})).toBe(LOCAL_PUBLISHER);
  });
});
