// The fuzz harness itself: response parsing, crash detection and revival, and reproducers that
// reproduce (run through a shell against the live server, they get the same answer).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from './collector.js';
import { judge, probe } from './oracle.js';
import { encodeRequest, parseResponse, type RawRequest, send, toCurl } from './rawHttp.js';
import { type FuzzTarget, spawnTarget } from './target.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('fuzz harness: raw HTTP', () => {
  it('encodes chunked bodies and parses chunked, sized, streamed and HEAD answers', () => {
    const req = encodeRequest({ method: 'POST', path: '/x', chunks: ['ab', '', 'c'] }, 'h:1').toString('latin1');
    expect(req).toBe(
      'POST /x HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n',
    );
    const chunked = bytes(
      'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"e\r\n2\r\n"}\r\n0\r\n\r\n',
    );
    expect(parseResponse(chunked, false)).toEqual({
      status: 400,
      headers: { 'transfer-encoding': 'chunked' },
      body: '{"e"}',
    });
    expect(parseResponse(chunked.subarray(0, 60), false)).toBeUndefined();
    expect(parseResponse(bytes('HTTP/1.1 404 N\r\nContent-Length: 2\r\n\r\nab'), false)?.body).toBe('ab');
    const stream = bytes('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n: ok\n\n');
    expect(parseResponse(stream, false)?.body).toBe(': ok\n\n');
    expect(parseResponse(stream, false, true)).toBeUndefined();
    expect(parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'), false, false, true)?.body).toBe('');
  });
});

describe('fuzz harness: against the spawned binary', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await spawnTarget();
  }, 20_000);
  afterAll(() => target?.close(), 20_000);

  it('records a dead server as a crash, then revives it', async () => {
    const c = createCollector('harness');
    const pid = target.pid as number;
    const gone = target.whenExited(5000);
    process.kill(pid, 'SIGKILL');
    expect(await gone).toBe(true);
    expect(await target.healthy()).toMatch(/process exited with signal SIGKILL/);
    const req: RawRequest = { method: 'GET', path: '/health' };
    const refused = await send(target.port, req);
    expect(refused.kind).toBe('reset');
    expect(judge('GET /health', req, refused, target, []).map((v) => v.kind)).toEqual(['reset', 'crash']);
    // probe() revives a dead server first, so a campaign goes on after a crash.
    const { violations } = await probe(c, target, 'GET /health', req);
    expect(target.pid).not.toBe(pid);
    expect(violations).toEqual([]);
    expect(await target.healthy()).toBeUndefined();
  });

  it('judges: names the logged cause of a 5xx, allows only documented 503s, wants a message on a 4xx', () => {
    const req: RawRequest = { method: 'POST', path: '/api/push', body: '{}' };
    const answer = (status: number, body: string, headers: Record<string, string> = { date: 'x' }) => ({
      kind: 'response' as const,
      ms: 1,
      response: { status, headers, body },
    });
    const log =
      '2026-01-01T00:00:00.000Z error webstream: request failed {"method":"POST","error":"TypeError: boom 42"}';
    expect(judge('POST /api/push', req, answer(500, '{"error":"internal error"}'), target, [log])).toMatchObject([
      { kind: 'server-error', what: 'POST /api/push → 500 internal error (server: TypeError: boom N)' },
    ]);
    expect(judge('r', req, answer(503, '{"error":"too many streams"}'), target, [], /too many/)).toEqual([]);
    expect(judge('r', req, answer(503, '{"error":"oops"}'), target, [], /too many/)[0]?.kind).toBe('server-error');
    expect(judge('r', req, answer(400, '{"error":"fix the channel"}'), target, [])).toEqual([]);
    expect(judge('r', req, answer(404, 'no such thing'), target, [])).toEqual([]);
    expect(judge('r', req, answer(400, '{"issues":[]}'), target, [])[0]?.what).toBe(
      'r → 400 with body "{\\"issues\\":[]}"',
    );
    expect(judge('r', req, answer(400, '', {}), target, [])[0]?.what).toMatch(/^malformed request → Node's bare 400/);
  });

  it('gives curl and socket reproducers that get the same answer', async () => {
    const cases: RawRequest[] = [
      {
        method: 'POST',
        path: '/api/push',
        headers: [['Content-Type', 'application/json']],
        body: '{"message":"a\\u0000\'%b","channel":"bad channel"}',
      },
      {
        method: 'POST',
        path: '/api/push',
        headers: [['Content-Type', 'text/plain']],
        body: Buffer.from([0, 0xff, 0x27, 0x25]),
      },
      { method: 'GET', path: '/api/history?limit=%FF', headers: [['X-Odd', "caf\xe9 'q'"]] },
      { method: 'GET', path: '/stream?format=xml', headers: [['Last-Event-ID', '']] },
      {
        method: 'GET',
        path: '/health',
        raw: bytes('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: a\0b\r\n\r\n'),
      },
    ];
    for (const req of cases) {
      const outcome = await send(target.port, req);
      if (outcome.kind !== 'response') throw new Error(`no answer to ${toCurl(req)}`);
      const shell = toCurl(req, target.url);
      const out = execFileSync('sh', ['-c', shell], { encoding: 'latin1', timeout: 10_000 });
      expect(Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1]), shell).toBe(outcome.response.status);
    }
  });
});
