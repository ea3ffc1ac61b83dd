// /ws on two instances over one Redis stream (real Redis on 127.0.0.1:6379): one id, one history.
import { randomUUID } from 'node:crypto';
import { cleanupAfterEach, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { json, post, startTestServer, WAIT_MS } from './helpers.js';
import { openWs } from './wsClient.js';

const defer = cleanupAfterEach();

async function pair() {
  const redisStream = `webstream:test:ws:${randomUUID()}`;
  const a = await startTestServer({ redis: TEST_REDIS_URL, redisStream });
  const b = await startTestServer({ redis: TEST_REDIS_URL, redisStream });
  defer(
    () => a.close(),
    () => b.close(),
    async () => {
      const r = new Redis(TEST_REDIS_URL);
      await r.del(redisStream);
      r.disconnect();
    },
  );
  return { a, b };
}

describe('/ws across instances on Redis', () => {
  it('a socket on A gets what a socket on B publishes, then resumes on B after dropping from A', async () => {
    const { a, b } = await pair();
    const onA = openWs(`${a.url}/ws`);
    using onB = openWs(`${b.url}/ws`);
    await Promise.all([onA.opened, onB.opened]);
    onB.send({ kind: 'publish', ref: 1, message: { message: 'from B' } });
    const published = await onB.waitFor((m) => m.ref === 1, 'published on B');
    await until(() => onA.events().length === 1, WAIT_MS, 'the event on A');
    expect(onA.events()[0]).toMatchObject({ id: published.result.id, message: 'from B' });
    onA.ws.close();
    await onA.closed;
    const missed = [];
    for (const n of [1, 2]) missed.push((await json(await post(`${b.url}/api/push`, { message: `missed ${n}` }))).id);
    using resumed = openWs(`${b.url}/ws?lastEventId=${encodeURIComponent(published.result.id)}`);
    await resumed.waitFor((m) => m.kind === 'replayed', 'replayed');
    expect(resumed.received.map((m) => m.kind)).toEqual(['welcome', 'event', 'event', 'replayed']);
    expect(resumed.events().map((m) => m.id)).toEqual(missed);
  });
});
