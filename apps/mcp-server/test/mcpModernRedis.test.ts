import { randomUUID } from 'node:crypto';
import { ResourceUri } from '@ws/events';
import { cleanupAfterEach, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';
import { connectModernHttp } from './mcpModernClient.js';

const defer = cleanupAfterEach();

/** Two instances on one Redis stream, under a key no other test uses. */
async function pair() {
  const redisStream = `webstream:test:mcpv2:${randomUUID()}`;
  const a = await startTestServer({ redis: TEST_REDIS_URL, redisStream, cwd: fixtureProject() });
  const b = await startTestServer({ redis: TEST_REDIS_URL, redisStream, cwd: fixtureProject() });
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

describe('2026-07-28 across two instances on Redis (no sticky sessions)', () => {
  it('a client whose every request goes to the other instance: tools answer, pushes are seen on both', async () => {
    const { a, b } = await pair();
    const balanced = await connectModernHttp([a.url, b.url], defer);
    for (const message of ['one', 'two', 'three']) {
      const pushed = await balanced.client.callTool({ name: 'push_stream', arguments: { message } });
      expect(pushed.isError).toBeFalsy();
    }
    for (let i = 0; i < 2; i++) {
      const history = await balanced.client.callTool({ name: 'stream_history', arguments: { limit: 10 } });
      const messages = (history.structuredContent as { messages: { message: string }[] }).messages;
      expect(messages.map((m) => m.message)).toEqual(['one', 'two', 'three']);
    }
  });

  it('a listen stream on B carries the dev events of a script run on A; after B ends the client re-listens on A', async () => {
    const { a, b } = await pair();
    const targets = [b.url];
    const listener = await connectModernHttp(targets, defer);
    const actor = await connectModernHttp([a.url], defer);
    const subscription = await listener.client.listen({ resourceSubscriptions: [ResourceUri.processesActive] });
    await actor.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    const methods = () => listener.devEvents(ResourceUri.processesActive).map((e) => e.method);
    await until(() => methods().includes('notifications/process/exited'), WAIT_MS, 'A’s exit on B’s stream');
    expect(methods()).toEqual(['notifications/process/started', 'notifications/process/exited']);

    // B goes away: the stream ends; the client listens again on another instance and keeps getting events.
    await b.close();
    expect(['graceful', 'remote']).toContain(await subscription.closed);
    targets.splice(0, 1, a.url);
    await listener.client.listen({ resourceSubscriptions: [ResourceUri.processesActive] });
    await actor.client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    await until(() => methods().length === 4, WAIT_MS, 'the second run on the new stream');
  });
});
