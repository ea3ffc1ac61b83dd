// /ws at its edges: arbitrary client messages are each answered (never a 5xx, never a crash, the
// socket stays open), and the message size bound closes with 1009.
import { sendRaw, until } from '@ws/testing';
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

describe('GET /ws: the bound on filters', () => {
  it('filters on at most 256 channels; past it the subscribe is refused and nothing changes', async () => {
    await using server = await startTestServer();
    using client = openWs(`${server.url}/ws`);
    await client.opened;
    const channels = (from: number) => Array.from({ length: 64 }, (_, i) => `c${from + i}`);
    client.send({ kind: 'subscribe', ref: 0, replace: true, channels: channels(0) });
    for (const from of [64, 128, 192]) client.send({ kind: 'subscribe', ref: from, channels: channels(from) });
    expect((await client.waitFor((m) => m.ref === 192, 'the 256th channel')).channels).toHaveLength(256);
    client.send({ kind: 'subscribe', ref: 'over', channels: ['one-more'] });
    expect(await client.waitFor((m) => m.ref === 'over', 'the refusal')).toMatchObject({
      kind: 'error',
      status: 400,
      message: expect.stringMatching(/at most 256 channels; this change would leave 257/),
    });
    expect(server.service.hub.stats().channels['one-more']).toBeUndefined();
  });
});

describe('GET /ws: hostile upgrade requests on the raw socket', () => {
  const upgrade = (path: string, extra: string) =>
    `GET ${path} HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
  const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

  it('answers each with a 4xx and a message, never a 5xx or a silent close', async () => {
    await using server = await startTestServer();
    const host = `Host: 127.0.0.1:${server.port}\r\n`;
    const cases: [string, number][] = [
      [upgrade('/ws', KEY), 400], // no Host
      [upgrade('/ws', `Host: [::1\r\n${KEY}`), 400], // a Host no URL can hold
      [upgrade('/ws', `Host: evil.example\r\n${KEY}`), 403],
      [upgrade('/ws', `${host}Origin: null\r\n${KEY}`), 403],
      [upgrade('/elsewhere', `${host}${KEY}`), 404],
      [upgrade('/ws?channel=%FF', `${host}${KEY}`), 400],
      [upgrade('/ws?lastEventId=a%0Ab', `${host}${KEY}`), 400],
      [upgrade('/ws', host), 400], // no Sec-WebSocket-Key: refused by the handshake itself
    ];
    for (const [request, status] of cases) {
      const answer = await sendRaw(server.port, request);
      expect({ request, status: answer.status }).toEqual({ request, status });
      expect(answer.body.length).toBeGreaterThan(0);
    }
    expect(server.service.hub.stats().clients).toBe(0);
    const ok = await sendRaw(server.port, upgrade('/ws', `${host}${KEY}`), { until: '"welcome"' });
    expect(ok.status).toBe(101);
  });
});
