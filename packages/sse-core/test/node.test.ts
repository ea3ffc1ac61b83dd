import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { handleSseRequest } from '../src/adapters/node.js';
import type { Connection } from '../src/connection.js';
import { createHub, type HubOptions } from '../src/hub.js';
import { listen, until } from './server.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function serve(options: HubOptions = {}) {
  const hub = createHub({ heartbeatIntervalMs: null, ...options });
  const seen: { lastEventId?: string | string[] | undefined }[] = [];
  const subscribers: Connection[] = [];
  const responses: ServerResponse[] = [];
  const server = await listen((req, res) => {
    seen.push({ lastEventId: req.headers['last-event-id'] });
    responses.push(res);
    const url = new URL(req.url ?? '/', 'http://x');
    const sub = handleSseRequest(hub, req, res, { channels: url.searchParams.getAll('channel') });
    if (sub) subscribers.push(sub);
  });
  cleanup.push(
    () => server[Symbol.asyncDispose](),
    () => hub.close(),
  );
  return { hub, url: `${server.url}/stream`, seen, subscribers, responses };
}

function open(url: string) {
  const es = new EventSource(url);
  cleanup.push(() => es.close());
  const messages: { data: string; id: string }[] = [];
  es.onmessage = (e) => messages.push({ data: e.data, id: e.lastEventId });
  const opened = new Promise<void>((resolve, reject) => {
    es.onopen = () => resolve();
    setTimeout(() => reject(new Error('EventSource did not open in 5 s')), 5000);
  });
  return { es, messages, opened };
}

describe('node:http adapter', () => {
  it('sends the SSE headers and no hop-by-hop headers of its own', async () => {
    const { url } = await serve();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe(': ok\nretry: 2000\n\n');
    await reader?.cancel();
  });

  it('uses a close-delimited HTTP/1.1 body by default, chunked on request', async () => {
    const { url } = await serve();
    const plain = await fetch(url);
    expect(plain.headers.get('transfer-encoding')).toBeNull();
    expect(plain.headers.get('connection')).toBe('close');
    await plain.body?.cancel();
    const hub = createHub({ heartbeatIntervalMs: null });
    await using server = await listen((req, res) => handleSseRequest(hub, req, res, { chunked: true }));
    const chunked = await fetch(server.url);
    expect(chunked.headers.get('transfer-encoding')).toBe('chunked');
    await chunked.body?.cancel();
    await hub.close();
  });

  it('delivers to a real EventSource and deregisters on client disconnect', async () => {
    const { hub, url } = await serve();
    const client = open(url);
    await client.opened;
    await hub.publish({ data: 'one\ntwo' });
    await until(() => client.messages.length === 1, 2000, 'the message');
    expect(client.messages[0]?.data).toBe('one\ntwo');
    expect(hub.stats().clients).toBe(1);
    client.es.close();
    await until(() => hub.stats().clients === 0, 2000, 'the registry to empty');
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('reconnects with Last-Event-ID and receives exactly the missed events', async () => {
    const { hub, url, seen, subscribers } = await serve({ retryMs: 50 });
    const client = open(url);
    await client.opened;
    const sent = [];
    for (const d of ['a', 'b', 'c']) sent.push((await hub.publish({ data: d })).event);
    await until(() => client.messages.length === 3, 2000, 'a, b, c');
    client.es.onerror = () => {
      // The connection is down: what is published now must be replayed on reconnect.
      if (sent.length === 3)
        for (const d of ['d', 'e', 'f']) void hub.publish({ data: d }).then((r) => sent.push(r.event));
    };
    subscribers[0]?.close('server'); // the server ends the response, as a deploy would
    await until(() => client.messages.length >= 6, 3000, 'the replayed events');
    // And nothing twice: events arrive in order, so a duplicate would come before this marker.
    const marker = (await hub.publish({ data: 'marker' })).event;
    await until(() => client.messages.at(-1)?.id === marker.id, 3000, 'the marker');
    expect(client.messages.map((m) => m.data)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'marker']);
    expect(client.messages.map((m) => m.id)).toEqual([...sent, marker].map((e) => e.id));
    expect(seen[1]?.lastEventId).toBe(sent[2]?.id);
  });

  it('a private message leaves the resume position alone: a reconnect gets exactly the shared events it missed', async () => {
    const { hub, url, seen, subscribers } = await serve({ retryMs: 50 });
    const client = open(url);
    const notes: string[] = [];
    client.es.addEventListener('note', (e) => notes.push(e.data));
    await client.opened;
    const a = (await hub.publish({ data: 'a' })).event;
    await until(() => client.messages.length === 1, 2000, 'a');
    // The last thing this connection gets before it drops is private: it must not move the resume point.
    expect(subscribers[0]?.send({ type: 'note', data: { only: 'you' } })).toBe(true);
    await until(() => notes.length === 1, 2000, 'the private note');
    expect(notes).toEqual(['{"only":"you"}']);
    const missed: string[] = [];
    client.es.onerror = () => {
      if (missed.length === 0)
        for (const d of ['b', 'c']) void hub.publish({ data: d }).then((r) => missed.push(r.event.id));
    };
    subscribers[0]?.close('server');
    await until(() => client.messages.length === 3, 3000, 'the missed events');
    expect(seen[1]?.lastEventId).toBe(a.id);
    expect(client.messages.map((m) => m.data)).toEqual(['a', 'b', 'c']);
    expect(client.messages.map((m) => m.id)).toEqual([a.id, ...missed]);
    expect(subscribers[1]?.send({ data: 'second connection' })).toBe(true);
    expect(subscribers[0]?.send({ data: 'gone' })).toBe(false);
  });

  it('resumes from the lastEventId query parameter on a first request', async () => {
    const { hub, url } = await serve();
    const sent = [];
    for (const d of ['a', 'b', 'c']) sent.push((await hub.publish({ data: d })).event);
    const client = open(`${url}?lastEventId=${encodeURIComponent(sent[0]?.id ?? '')}`);
    await until(() => client.messages.length === 2, 2000, 'the replay');
    expect(client.messages.map((m) => m.data)).toEqual(['b', 'c']);
  });

  it('answers 503 with a message past the connection limit', async () => {
    const { url } = await serve({ maxConnections: 1 });
    const first = await fetch(url);
    const second = await fetch(url);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    expect(second.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await second.text()).toMatch(/connection limit reached \(1\)/);
    await first.body?.cancel();
  });

  it('a client that never reads does not delay the others, and its memory stays bounded', async () => {
    const maxQueueBytes = 256 * 1024;
    const { hub, url, responses } = await serve({ maxQueueBytes, flushThresholdBytes: 16 * 1024 });
    const { port } = new URL(url);
    const stalled = connect(Number(port), '127.0.0.1');
    cleanup.push(() => stalled.destroy());
    stalled.write(`GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    stalled.pause(); // never reads a byte
    const readers = [open(url), open(url), open(url)];
    await Promise.all(readers.map((r) => r.opened));
    await until(() => hub.stats().clients === 4, 2000, 'four clients');
    const total = 10_000;
    const payload = 'x'.repeat(1000);
    let maxBuffered = 0;
    for (let i = 0; i < total; i += 100) {
      for (let j = i; j < i + 100; j++) void hub.publish({ data: `${j} ${payload}` });
      await new Promise((r) => setImmediate(r));
      for (const res of responses) maxBuffered = Math.max(maxBuffered, res.writableLength);
      expect(hub.stats().queuedBytes).toBeLessThanOrEqual(maxQueueBytes);
    }
    await until(
      () => readers.every((r) => r.messages.length === total),
      20_000,
      'every reader to get every event',
    ).catch((e) => {
      console.error(
        readers.map((r) => r.messages.length),
        hub.stats(),
      );
      throw e;
    });
    for (const r of readers)
      expect(r.messages.map((m) => Number(m.data.split(' ')[0]))).toEqual([...Array(total).keys()]);
    const stats = hub.stats();
    expect(stats.dropped).toBeGreaterThan(0); // only the stalled client lost frames (and got a gap event)
    expect(stats.clients).toBe(4);
    expect(maxBuffered).toBeLessThanOrEqual(maxQueueBytes + 32 * 1024);
  });

  it('works over HTTP/2 without hop-by-hop headers', async () => {
    const http2 = await import('node:http2');
    const hub = createHub({ heartbeatIntervalMs: null });
    const server = http2.createServer((req, res) => handleSseRequest(hub, req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as import('node:net').AddressInfo;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    cleanup.push(
      () => new Promise((r) => server.close(r)),
      () => session.destroy(),
      () => hub.close(),
    );
    const req = session.request({ ':path': '/stream' });
    const headers = await new Promise<Record<string, unknown>>((r) => req.on('response', r));
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers.connection).toBeUndefined();
    expect(headers['transfer-encoding']).toBeUndefined();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    const { event: e } = await hub.publish({ data: 'over h2' });
    await until(() => body.includes('over h2'), 2000, 'the event over h2');
    expect(body).toBe(`: ok\nretry: 2000\n\nid: ${e.id}\ndata: over h2\n\n`);
    req.close();
    await until(() => hub.stats().clients === 0, 2000, 'the h2 stream to deregister');
  });

  it('answers 400 for options the hub rejects, from a plain node:http app that keeps serving', async () => {
    const hub = createHub({ heartbeatIntervalMs: null });
    cleanup.push(() => hub.close());
    const server = await listen((req, res) => {
      // An app that passes the query string straight through, as users do.
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      handleSseRequest(hub, req, res, {
        format: q.get('format') ?? undefined,
        channels: q.getAll('channel'),
        replay: q.has('replay') ? Number(q.get('replay')) : undefined,
      });
    });
    cleanup.push(() => server[Symbol.asyncDispose]());
    const bad: [string, Record<string, string>, RegExp][] = [
      ['?format=bogus', {}, /^unknown format "bogus" \(known: default\)\n$/],
      ['?channel=a%0Ab', {}, /channel must be 1-256 characters without CR, LF or NUL/],
      ['?channel=', {}, /channel must be 1-256 characters/],
      ['?replay=-1', {}, /replay must be a non-negative integer \(got -1\)/],
      ['?replay=ten', {}, /replay must be a non-negative integer \(got NaN\)/],
      ['', { 'Last-Event-ID': 'x'.repeat(300) }, /lastEventId must be an event id the stream sent: at most 256/],
    ];
    for (const [query, headers, message] of bad) {
      const res = await fetch(`${server.url}/stream${query}`, { headers });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const text = await res.text();
      expect(text).toMatch(message);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    }
    expect(hub.stats().clients).toBe(0);
    // The process is still up and the next good request streams.
    const client = open(`${server.url}/stream?channel=ok`);
    await client.opened;
    await hub.publish({ data: 'still serving', channel: 'ok' });
    await until(() => client.messages.length === 1, 2000, 'the event');
    expect(client.messages[0]?.data).toBe('still serving');
    expect(hub.stats().clients).toBe(1);
  });

  it('answers 503 once the hub is closed, instead of throwing', async () => {
    const hub = createHub({ heartbeatIntervalMs: null });
    await hub.close();
    await using server = await listen((req, res) => handleSseRequest(hub, req, res));
    const res = await fetch(server.url);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.text()).toBe('the stream is shutting down; retry\n');
  });

  it('sends the first keep-alive within one interval of connecting, whenever in the timer cycle that is', async () => {
    const interval = 400;
    const { url } = await serve({ heartbeatIntervalMs: interval });
    const { port } = new URL(url);
    /** Arrival times of each read on a raw connection, and its text. */
    const stream = () => {
      const arrivals: { at: number; text: string }[] = [];
      const socket = connect(Number(port), '127.0.0.1');
      cleanup.push(() => socket.destroy());
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => arrivals.push({ at: performance.now(), text }));
      socket.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const keepAlives = () => arrivals.filter((a) => a.text.endsWith(':\n\n'));
      return { arrivals, keepAlives };
    };
    // A first connection starts the shared timer; the second connects right after one of its ticks,
    // the worst moment for a timer that skips connections written to during the last interval.
    const a = stream();
    await until(() => a.keepAlives().length === 1, 2 * interval + 1000, "the first connection's keep-alive");
    const b = stream();
    await until(() => b.keepAlives().length === 3, 3 * interval + 2000, 'three keep-alives on the second');
    const times = [b.arrivals[0]?.at as number, ...b.keepAlives().map((k) => k.at)];
    const silences = times.slice(1).map((t, i) => t - (times[i] as number));
    for (const silence of silences) expect(silence).toBeLessThan(interval + interval / 4);
    expect(silences[0]).toBeGreaterThan(interval / 2);
  });
});
