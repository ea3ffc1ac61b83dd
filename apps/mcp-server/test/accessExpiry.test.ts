// A stream or socket opened with a JWT ends when the token would no longer verify (exp plus the
// clock tolerance), so it does not outlive its token; the client reconnects with a fresh one.
import { cleanupAfterEach, withTimeout } from '@ws/testing';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS, SCOPE_CLAIM } from '../src/http/security/jwt.js';
import { startTestServer, TOKEN, WAIT_MS } from './helpers.js';
import { openWs } from './wsClient.js';

const defer = cleanupAfterEach();
const SECRET = 'a-jwt-secret-for-tests-0123456789abcdef';

/** A token past its `exp` but still within the tolerance: it verifies for one or two more seconds. */
const nearlyExpired = () =>
  new SignJWT({ [SCOPE_CLAIM]: { subscribe: ['news.*'], publish: [] } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setExpirationTime(Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS + 2)
    .sign(new TextEncoder().encode(SECRET));

describe('connections opened with a JWT', () => {
  it('/stream and /ws end when the token expires (lifetime: resume with a fresh token)', async () => {
    const s = await startTestServer({ token: TOKEN, jwtSecret: SECRET });
    defer(() => s.close());
    const headers = { authorization: `Bearer ${await nearlyExpired()}` };
    const res = await fetch(`${s.url}/stream?channel=news.world`, { headers });
    expect(res.status).toBe(200);
    const socket = openWs(`${s.url}/ws?channel=news.world`, { headers });
    defer(() => socket.ws.terminate());
    await socket.opened;
    // The body ends (rather than staying open for as long as the client reads).
    await withTimeout(res.text(), WAIT_MS, 'the stream to end at the token expiry');
    const closed = await withTimeout(socket.closed, WAIT_MS, 'the socket to close at the token expiry');
    expect(closed.code).toBe(1001);
    const again = await fetch(`${s.url}/stream?channel=news.world`, { headers });
    expect(again.status).toBe(401);
  });
});
