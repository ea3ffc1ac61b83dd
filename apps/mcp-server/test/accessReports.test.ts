// A delivery report names the subjects and connections a message reached and who acknowledged it:
// a scoped JWT sees the counts and only its own subject's entries.
import { cleanupAfterEach, openEventSource } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../src/http/security/jwt.js';
import { json, post, startTestServer, TOKEN } from './helpers.js';

const defer = cleanupAfterEach();
const SECRET = 'a-jwt-secret-for-tests-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const scoped = (subject: string) =>
  mintToken({ secret: SECRET, subject, subscribe: ['team.*'], publish: [], ttlSeconds: 600 });

describe('delivery reports under scoped access', () => {
  it("GET /api/messages/:id: a scoped JWT sees the counts and its own entries, not other subjects'", async () => {
    const s = await startTestServer({ token: TOKEN, jwtSecret: SECRET });
    defer(() => s.close());
    const [alice, bob] = [bearer(await scoped('alice')), bearer(await scoped('bob'))];
    for (const headers of [alice, bob]) {
      const sse = openEventSource(`${s.url}/stream?channel=team.a`, { headers });
      defer(() => sse.es.close());
      await sse.opened;
    }
    const pushed = await json(await post(`${s.url}/api/push`, { message: 'm', channel: 'team.a' }, bearer(TOKEN)));
    const full = await json(await fetch(`${s.url}/api/messages/${pushed.id}`, { headers: bearer(TOKEN) }));
    expect(full.recipients.map((r: { subject: string }) => r.subject).sort()).toEqual(['alice', 'bob']);
    const own = await json(await fetch(`${s.url}/api/messages/${pushed.id}`, { headers: alice }));
    expect(own.reached).toBe(2);
    expect(own.recipients.map((r: { subject: string }) => r.subject)).toEqual(['alice']);
  });
});
