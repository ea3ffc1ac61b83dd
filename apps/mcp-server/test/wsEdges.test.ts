// /ws at its edges: arbitrary client messages are each answered (never a 5xx, never a crash, the
// socket stays open), and the message size bound closes with 1009.
import { until } from '@ws/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startTestServer, WAIT_MS } from './helpers.js';
import { openWs } from './wsClient.js';

/** Client messages: arbitrary JSON, near-misses of every kind, and text that is not JSON. */
const clientMessage = fc.oneof(
  fc.json().map(String),
  fc.string({ unit: 'binary' }),
  fc
    .record(
      {
        kind: fc.constantFrom('subscribe', 'unsubscribe', 'publish', 'ack', 'nope'),
        ref: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null)),
        channels: fc.oneof(fc.array(fc.string({ maxLength: 70 })), fc.string()),
        types: fc.array(fc.constantFrom('info', 'error', 'bad', '')),
        replace: fc.boolean(),
        id: fc.string({ maxLength: 300 }),
        message: fc.oneof(fc.jsonValue(), fc.record({ message: fc.string(), channel: fc.string() })),
      },
      { requiredKeys: ['kind'] },
    )
    .map((m) => JSON.stringify(m)),
);

describe('GET /ws: arbitrary client messages', () => {
  it('answers each one with a 4xx error or its result, and stays open', async () => {
    await using server = await startTestServer();
    using client = openWs(`${server.url}/ws`);
    await client.opened;
    const runs = 150;
    const samples = fc.sample(clientMessage, { numRuns: runs, seed: 14 });
    for (const m of samples) client.ws.send(m);
    const answered = () => client.received.filter((m) => m.kind !== 'welcome' && m.kind !== 'event').length;
    await until(
      () => answered() === runs,
      WAIT_MS,
      () => `${runs} answers (got ${answered()})`,
    );
    const answers = client.received.filter((m) => m.kind !== 'welcome' && m.kind !== 'event');
    for (const answer of answers) {
      if (answer.kind === 'error') {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.message.length).toBeGreaterThan(0);
      } else expect(['subscribed', 'published', 'acked']).toContain(answer.kind);
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('closes with 1009 past --max-body-bytes; a message at the limit is answered', async () => {
    const maxBodyBytes = 2048;
    await using server = await startTestServer({ maxBodyBytes });
    using client = openWs(`${server.url}/ws`);
    await client.opened;
    const at = JSON.stringify({ kind: 'publish', ref: 1, message: { message: '' } });
    const fill = 'x'.repeat(maxBodyBytes - at.length);
    client.send(at.replace('"message":""', `"message":"${fill}"`));
    expect(await client.waitFor((m) => m.ref === 1, 'the answer at the limit')).toMatchObject({ kind: 'published' });
    client.send({ kind: 'publish', message: { message: 'x'.repeat(maxBodyBytes) } });
    expect((await client.closed).code).toBe(1009);
    await until(() => server.service.hub.stats().clients === 0, WAIT_MS, 'the connection closed on the hub');
  });
});
