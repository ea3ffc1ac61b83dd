// Scoped access: JWTs (HS256 secret, or a JWKS file) whose claims name the channels a subject may
// subscribe to and publish on, on /stream, /api/*, tickets and /mcp; anonymous subscribe per channel.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupAfterEach, openEventSource, until } from '@ws/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../src/http/security/jwt.js';
import { runTokenCommand } from '../src/tokenCommand.js';
import { CLI, fixtureProject, json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();
const run = promisify(execFile);
const SECRET = 'a-jwt-secret-for-tests-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const alice = () =>
  mintToken({ secret: SECRET, subject: 'alice', subscribe: ['news.*'], publish: ['news.*'], ttlSeconds: 3600 });

async function server() {
  const s = await startTestServer({ token: TOKEN, jwtSecret: SECRET, anonymousSubscribe: ['public.*'] });
  defer(() => s.close());
  return s;
}

/** The status and error of a `/stream` request (the body is cancelled once the headers are in). */
async function streamStatus(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/stream?${query}`, { headers });
  const body = res.status === 200 ? undefined : await json(res);
  if (res.status === 200) await res.body?.cancel();
  return { status: res.status, error: body?.error as string | undefined };
}

describe('JWT access (HS256)', () => {
  it('lets a subject subscribe and publish within its claims: 403 outside them, 401 without a credential', async () => {
    const s = await server();
    const token = await alice();
    expect((await streamStatus(s.url, 'channel=news.world', bearer(token))).status).toBe(200);
    const sports = await streamStatus(s.url, 'channel=sports', bearer(token));
    expect(sports).toEqual({
      status: 403,
      error: 'subject "alice" may not subscribe to channel "sports" (its subscribe claim: news.*)',
    });
    expect((await streamStatus(s.url, '', bearer(token))).error).toMatch(/every channel .* name the channels/);
    expect((await streamStatus(s.url, 'channel=news.world')).status).toBe(401);

    const sse = openEventSource(`${s.url}/stream?channel=news.world`, { headers: bearer(token) });
    defer(() => sse.es.close());
    await sse.opened;
    const ok = await post(`${s.url}/api/push`, { message: 'hello', channel: 'news.world' }, bearer(token));
    expect(ok.status).toBe(200);
    await until(() => sse.messages.length === 1, WAIT_MS, 'the message');
    const denied = await post(`${s.url}/api/push`, { message: 'x', channel: 'sports' }, bearer(token));
    expect(denied.status).toBe(403);
    expect((await json(denied)).error).toMatch(/subject "alice" may not publish on channel "sports"/);
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'news.a' })).status).toBe(401);
    // The shared token keeps its full access.
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'sports' }, bearer(TOKEN))).status).toBe(200);
  });

  it('says why a token is refused: expired, bad signature, no exp, bad claim', async () => {
    const s = await server();
    const key = new TextEncoder().encode(SECRET);
    const sign = (claims: Record<string, unknown>, exp: number | undefined, k = key) => {
      let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('eve');
      if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
      return jwt.sign(k);
    };
    const now = Math.floor(Date.now() / 1000);
    const cases: [Promise<string>, RegExp][] = [
      [sign({}, now - 60), /expired/],
      [sign({}, now + 60, new TextEncoder().encode('another-secret-of-at-least-32-chars!!')), /signature/],
      [sign({}, undefined), /"exp" claim/],
      [sign({ webstream: { publish: 'news' } }, now + 60), /must be arrays/],
    ];
    for (const [token, reason] of cases) {
      const res = await post(`${s.url}/api/push`, { message: 'x' }, bearer(await token));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="webstream"');
      expect((await json(res)).error).toMatch(reason);
    }
  });

  it('allows anonymous subscribers on --anonymous-subscribe channels only; publishing needs a token', async () => {
    const s = await server();
    expect((await streamStatus(s.url, 'channel=public.news')).status).toBe(200);
    expect((await streamStatus(s.url, 'channel=public.news&channel=private')).status).toBe(401);
    expect((await streamStatus(s.url, '')).status).toBe(401);
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'public.news' })).status).toBe(401);
  });

  it('a ticket carries the scope of the JWT that asked for it; a JWT gets no session cookie', async () => {
    const s = await server();
    const token = await alice();
    const ticket = async () => (await json(await post(`${s.url}/api/ticket`, {}, bearer(token)))).ticket as string;
    expect((await streamStatus(s.url, `channel=sports&ticket=${await ticket()}`)).status).toBe(403);
    expect((await streamStatus(s.url, `channel=news.x&ticket=${await ticket()}`)).status).toBe(200);
    expect((await post(`${s.url}/api/session`, {}, bearer(token))).status).toBe(403);
  });

  it('/mcp (dev processes, every channel) needs claims covering every channel; /api/history and /metrics too', async () => {
    const s = await startTestServer({ jwtSecret: SECRET, cwd: fixtureProject() });
    defer(() => s.close());
    const scoped = bearer(await alice());
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} };
    const refused = await post(`${s.url}/mcp`, init, { ...scoped, accept: 'application/json, text/event-stream' });
    expect(refused.status).toBe(403);
    expect((await json(refused)).error).toMatch(/subject "alice" .*\/mcp needs access to every channel/);
    expect((await fetch(`${s.url}/api/history?channel=news.a`, { headers: scoped })).status).toBe(200);
    expect((await fetch(`${s.url}/api/history?channel=sports`, { headers: scoped })).status).toBe(403);
    expect((await fetch(`${s.url}/api/scripts`, { headers: scoped })).status).toBe(403);
    expect((await fetch(`${s.url}/metrics`, { headers: scoped })).status).toBe(403);
    const all = await mintToken({ secret: SECRET, subject: 'ops', subscribe: ['*'], publish: ['*'], ttlSeconds: 60 });
    const { client } = await connectMcp(s.url, { headers: bearer(all) }, defer);
    const ok = await client.callTool({ name: 'push_stream', arguments: { message: 'm', channel: 'sports' } });
    expect(ok.isError).toBeFalsy();
  });

  it('`webstream token` mints a token the server accepts', async () => {
    const s = await server();
    const minted = await runTokenCommand(
      ['--sub', 'bob', '--subscribe', 'news.*', '--publish', 'news.*,alerts', '--ttl', '1h'],
      { WEBSTREAM_JWT_SECRET: SECRET },
    );
    if (!minted.ok) throw new Error(minted.message);
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'alerts' }, bearer(minted.token))).status).toBe(
      200,
    );
    expect(await runTokenCommand(['--sub', 'bob'], {})).toMatchObject({ ok: false, message: /secret/ });
    // The built binary's subcommand prints the token alone on stdout.
    const { stdout } = await run(process.execPath, [CLI, 'token', '--sub', 'carol', '--publish', 'alerts'], {
      env: { ...process.env, WEBSTREAM_JWT_SECRET: SECRET },
    });
    const printed = stdout.trim();
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'alerts' }, bearer(printed))).status).toBe(200);
    expect(await runTokenCommand(['--sub', 'b', '--ttl', 'soon'], { WEBSTREAM_JWT_SECRET: SECRET })).toMatchObject({
      ok: false,
      message: /--ttl/,
    });
  });
});

describe('JWT access (JWKS file)', () => {
  it('verifies ES256 tokens with the keys of --jwt-jwks', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const file = join(fixtureProject('ws-jwks-'), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
    const s = await startTestServer({ jwtJwks: file });
    defer(() => s.close());
    const token = await new SignJWT({ webstream: { publish: ['ops'] } })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('ci')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'ops' }, bearer(token))).status).toBe(200);
    expect((await post(`${s.url}/api/push`, { message: 'x', channel: 'dev' }, bearer(token))).status).toBe(403);
  });
});
