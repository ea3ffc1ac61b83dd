// Acknowledgements that say who, across two instances on the real Redis (127.0.0.1:6379, a unique key prefix).
import { randomUUID } from 'node:crypto';
import { cleanupAfterEach, openEventSource, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../src/http/security/jwt.js';
import { ackFrom, identityOf, json, post, startTestServer, TOKEN, WAIT_MS } from './helpers.js';

const defer = cleanupAfterEach();
const SECRET = 'a-jwt-secret-for-redis-acks-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Two instances on one fresh Redis stream; every key under its prefix is deleted afterwards. */
async function pair(overrides: { redisMaxLen?: number } = {}) {
  const redisStream = `webstream:test:acks:${randomUUID()}`;
  const config = { redis: TEST_REDIS_URL, redisStream, token: TOKEN, jwtSecret: SECRET, ...overrides };
  const a = await startTestServer(config);
  const b = await startTestServer(config);
  defer(
    () => a.close(),
    () => b.close(),
    async () => {
      const r = new Redis(TEST_REDIS_URL);
      const keys = await r.keys(`${redisStream}*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    },
  );
  return { a, b };
}

describe('acknowledgements across instances (real Redis)', () => {
  it('reports which connections a message was queued to on every instance, and who acknowledged it, when', async () => {
    const { a, b } = await pair();
    const alice = await mintToken({
      secret: SECRET,
      subject: 'alice',
      subscribe: ['news.*'],
      publish: [],
      ttlSeconds: 600,
    });
    using onA = openEventSource(`${a.url}/stream?channel=news.x`, { headers: bearer(alice), named: ['connected'] });
    using onB = openEventSource(`${b.url}/stream`, { headers: bearer(TOKEN), named: ['connected'] });
    const [idA, idB] = [await identityOf(onA), await identityOf(onB)];
    expect(idA).toMatchObject({ subject: 'alice' });
    expect(idA.connection.split('.')[0]).not.toBe(idB.connection.split('.')[0]);

    const pushed = await json(await post(`${b.url}/api/push`, { message: 'hi', channel: 'news.x' }, bearer(TOKEN)));
    await until(() => onA.messages.length === 1 && onB.messages.length === 1, WAIT_MS, 'both deliveries');
    const report = async (url: string) =>
      json(await fetch(`${url}/api/messages/${pushed.id}`, { headers: bearer(TOKEN) }));
    await until(async () => (await report(a.url)).reached === 2, WAIT_MS, 'both instances recorded');
    expect((await report(a.url)).recipients).toEqual(
      expect.arrayContaining([{ connection: idA.connection, subject: 'alice' }, { connection: idB.connection }]),
    );

    // alice acknowledges on B (not the instance holding her stream): her key and her JWT prove it.
    const viaB = await post(`${b.url}/api/ack`, ackFrom(pushed.id, idA), bearer(alice));
    expect(viaB.status).toBe(200);
    expect(await post(`${a.url}/api/ack`, ackFrom(pushed.id, idB), bearer(TOKEN)).then((r) => r.status)).toBe(200);
    // The shared token holder cannot acknowledge for alice's connection without its key.
    const forged = await post(
      `${a.url}/api/ack`,
      { id: pushed.id, connection: idA.connection, key: idB.ackKey },
      bearer(TOKEN),
    );
    expect(forged.status).toBe(403);
    const seen = await report(b.url);
    expect(seen).toMatchObject({ id: pushed.id, reached: 2, acknowledged: 2 });
    expect(seen.acks).toEqual([
      { connection: idA.connection, subject: 'alice', at: expect.any(String) },
      { connection: idB.connection, at: expect.any(String) },
    ]);
    expect(await report(a.url)).toEqual(seen);
  });

  it('keeps records as long as the stream keeps messages (--redis-max-len), then forgets the oldest', async () => {
    const { a } = await pair({ redisMaxLen: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 14; i++) {
      ids.push((await json(await post(`${a.url}/api/push`, { message: `m${i}` }, bearer(TOKEN)))).id);
    }
    const status = async (id: string) =>
      (await fetch(`${a.url}/api/messages/${id}`, { headers: bearer(TOKEN) })).status;
    await until(async () => (await status(ids[0] as string)) === 404, WAIT_MS, 'the oldest record forgotten');
    expect(await status(ids.at(-1) as string)).toBe(200);
  });
});
