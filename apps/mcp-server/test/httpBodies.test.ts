import { request } from 'node:http';
import { cleanupAfterEach, openEventSource, sendRaw } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/http/body/jsonDepth.js';
import { ackFrom, fixtureProject, identityOf, json, post, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

/** Sends raw bytes, returns the response (status, lower-cased headers, body) once the server closes. */
const raw = (port: number, text: string | Buffer) => sendRaw(port, text, { timeoutMs: WAIT_MS });

/** A fetch body sent with Transfer-Encoding: chunked (a stream has no length), in pieces of `size` characters. */
function chunked(text: string, size = 100): { body: ReadableStream<Uint8Array>; duplex: 'half' } {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return {
    duplex: 'half',
    body: new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    }),
  };
}

const postChunked = (url: string, text: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, ...chunked(text) } as RequestInit);

/** `depth` nested arrays around 1: depth 0 is `1`, depth 2 is `[[1]]`. */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

const defer = cleanupAfterEach();

describe('request bodies: chunked, missing, oversized, deeply nested, not UTF-8 (real sockets)', () => {
  it('accepts a chunked body within the limit on /api/push, /api/ack and the dev-process POST routes', async () => {
    await using server = await startTestServer({ cwd: fixtureProject('ws-bodies-') });
    using tab = openEventSource(`${server.url}/stream?channel=elsewhere`, { named: ['connected'] });
    const identity = await identityOf(tab);
    const pushed = await postChunked(`${server.url}/api/push`, JSON.stringify({ message: 'm'.repeat(500) }));
    expect(pushed.status).toBe(200);
    const { id } = await json(pushed);
    const history = await json(await fetch(`${server.url}/api/history`));
    expect(history.messages.map((m: { id: string }) => m.id)).toEqual([id]);

    const acked = await postChunked(`${server.url}/api/ack`, JSON.stringify(ackFrom(id, identity)));
    expect(acked.status).toBe(200);
    expect(await json(acked)).toMatchObject({ id, reached: 0, acknowledged: 1 });

    const run = await postChunked(`${server.url}/api/scripts/crash/run`, '{}');
    expect(run.status).toBe(201);
    expect((await json(run)).process.name).toBe('crash');
    // The dev routes take no parameters in the body: empty is fine, a non-object is not.
    expect((await postChunked(`${server.url}/api/scripts/nope/run`, '')).status).toBe(404);
    const array = await postChunked(`${server.url}/api/scripts/crash/run`, '[]');
    expect(array.status).toBe(400);
    expect((await json(array)).error).toMatch(/empty or a JSON object/);
  });

  it('413 for a chunked body past the limit with no Content-Length, exactly at the edge', async () => {
    await using server = await startTestServer({ maxBodyBytes: 1000 });
    const fits = JSON.stringify({ message: 'x'.repeat(1000 - 14) });
    expect(fits.length).toBe(1000);
    expect((await postChunked(`${server.url}/api/push`, fits)).status).toBe(200);

    const over = JSON.stringify({ message: 'x'.repeat(1000 - 13) });
    const chunks = over.match(/.{1,300}/g) ?? [];
    const res = await raw(
      server.port,
      'POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') +
        '0\r\n\r\n',
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatch(/larger than 1000 bytes \(raise --max-body-bytes\)/);
    // A streamed fetch body past the limit gets the same answer.
    const streamed = await postChunked(`${server.url}/api/push`, over);
    expect(streamed.status).toBe(413);
    expect(server.service.hub.stats().published).toBe(1);
    expect((await post(`${server.url}/api/push`, { message: 'still up' })).status).toBe(200);
  });

  it('the same answers off Node (Fetch stream path, in-process app.request)', async () => {
    await using server = await startTestServer({ maxBodyBytes: 1000 });
    const send = (text: string) =>
      server.app.request('http://127.0.0.1/api/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json', host: '127.0.0.1' },
        ...chunked(text),
      } as RequestInit);
    expect((await send(JSON.stringify({ message: 'x'.repeat(1000 - 14) }))).status).toBe(200);
    const over = await send(JSON.stringify({ message: 'x'.repeat(1000 - 13) }));
    expect(over.status).toBe(413);
    const empty = await send('');
    expect(empty.status).toBe(400);
    expect((await json(empty)).error).toMatch(/^body is required/);
    const deep = await send(`{"message":"m","data":${nested(450)}}`);
    expect(deep.status).toBe(400);
    expect((await json(deep)).error).toMatch(/more than 64 levels deep/);
  });

  it('400 "body is required" for a missing, empty or blank body (no length, Content-Length: 0, empty chunked)', async () => {
    await using server = await startTestServer();
    const missing = await raw(
      server.port,
      'POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n',
    );
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toBe(
      'body is required: send a JSON object such as {"message": "deployment completed"}',
    );
    const empty = await post(`${server.url}/api/push`, '');
    expect(empty.status).toBe(400);
    expect((await json(empty)).error).toMatch(/^body is required/);
    const blank = await post(`${server.url}/api/ack`, ' \n ');
    expect(blank.status).toBe(400);
    expect((await json(blank)).error).toMatch(/^body is required: send a JSON object such as \{"id"/);
    // node:http sends an ended POST without a body as chunked with no chunks.
    const emptyChunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/ack',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      expect(req.getHeader('transfer-encoding') ?? 'chunked').toBe('chunked');
      req.end();
    });
    expect(emptyChunked.status).toBe(400);
    expect(JSON.parse(emptyChunked.body).error).toMatch(/^body is required/);
    expect(server.service.hub.stats().published).toBe(0);
  });

  it(`400 naming the depth limit (${MAX_JSON_DEPTH}) for data nested 5,000 levels; ${MAX_JSON_DEPTH} levels pass`, async () => {
    await using server = await startTestServer({ maxBodyBytes: 1024 * 1024 });
    const at = await post(`${server.url}/api/push`, `{"message":"edge","data":${nested(MAX_JSON_DEPTH)}}`);
    expect(at.status).toBe(200);
    for (const depth of [MAX_JSON_DEPTH + 1, 5000, 200_000]) {
      const res = await post(`${server.url}/api/push`, `{"message":"deep","data":${nested(depth)}}`);
      expect(res.status, `depth ${depth}`).toBe(400);
      expect((await json(res)).error).toMatch(/more than 64 levels deep below the top level \(the limit is 64\)/);
    }
    // The same check protects every JSON route, deep objects as well as arrays.
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expect((await post(`${server.url}/api/ack`, deepObject)).status).toBe(400);
    expect(server.service.hub.stats().published).toBe(1);
  });

  it('400 for a body that is not UTF-8', async () => {
    await using server = await startTestServer();
    const body = Buffer.concat([Buffer.from('{"message":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const res = await raw(
      server.port,
      Buffer.concat([
        Buffer.from(
          `POST /api/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ),
        body,
      ]),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('body is not valid UTF-8: send JSON encoded as UTF-8');
  });

  it(`push_stream over MCP: an isError result naming the depth limit (${MAX_JSON_DEPTH}) for 5,000 levels`, async () => {
    await using server = await startTestServer();
    const { client, transport } = await connectMcp(server.url, {}, defer);
    // The SDK client itself cannot serialize 5,000 levels, so this call goes out as raw JSON-RPC.
    const call = async (id: number, data: string) => {
      const res = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId ?? '',
          'mcp-protocol-version': transport.protocolVersion ?? '',
        },
        body: `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"push_stream","arguments":{"message":"m","data":${data}}}}`,
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      const line = text.split('\n').find((l) => l.startsWith('data: {'));
      return JSON.parse(line?.slice(6) ?? 'null').result;
    };
    const refused = await call(90, nested(5000));
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      'invalid push_stream arguments: data nests objects/arrays more than 64 levels deep (the limit); flatten it',
    );
    expect((await call(91, nested(MAX_JSON_DEPTH + 1))).isError).toBe(true);
    expect((await call(92, nested(MAX_JSON_DEPTH))).isError).toBeFalsy();
    const viaClient = await client.callTool({
      name: 'push_stream',
      arguments: { message: 'm', data: JSON.parse(nested(100)) },
    });
    expect(viaClient.isError).toBe(true);
    expect(server.service.hub.stats().published).toBe(1);
  });
});
