import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDelivery, RecordingSink, tick } from '../test/helpers.js';
import type { SinkConnection } from './connection.js';
import { createHub, type Hub, type HubOptions } from './hub.js';
import { createMemoryBus } from './memoryBus.js';
import type { SseSink } from './sink.js';

let hubs: Hub[] = [];
afterEach(async () => {
  for (const hub of hubs) await hub.close();
  hubs = [];
});
const makeHub = (options: HubOptions = {}) => {
  const hub = createHub({ heartbeatIntervalMs: null, ...options });
  hubs.push(hub);
  return hub;
};

/** Publishes without awaiting between events (the memory bus delivers synchronously). */
const burst = (hub: Hub, n: number, make: (i: number) => Parameters<Hub['publish']>[0]) =>
  Promise.all(Array.from({ length: n }, async (_, i) => (await hub.publish(make(i))).event));

/** A transport that holds `capacity` bytes until the peer reads them; what is unread when the connection drops is lost. */
class FakeTransport implements SseSink {
  pending = '';
  closed = false;
  constructor(readonly capacity: number) {}
  write(chunk: Uint8Array): boolean {
    if (this.closed) return false;
    this.pending += Buffer.from(chunk).toString('latin1');
    return this.pending.length < this.capacity;
  }
  bufferedBytes(): number {
    return this.pending.length;
  }
  close(): void {
    this.closed = true;
  }
}

/** One client across its connections: what it read, in order, and the last id it saw. */
class Client {
  readonly items: EventSourceMessage[] = [];
  lastId: string | undefined;
  transport!: FakeTransport;
  subscriber!: SinkConnection;
  #parser = this.#newParser();

  constructor(
    readonly hub: Hub,
    readonly capacity: () => number,
  ) {
    this.connect();
  }

  #newParser() {
    return createParser({
      onEvent: (e) => {
        this.items.push(e);
        if (e.id) this.lastId = e.id;
      },
    });
  }

  connect(): void {
    this.transport = new FakeTransport(this.capacity());
    this.#parser = this.#newParser(); // a partial frame of the old connection is gone with it
    // A client that never saw an id asks for everything retained (the history here keeps it all).
    this.subscriber = this.hub.subscribe(
      this.transport,
      this.lastId === undefined ? { replay: 1_000_000 } : { lastEventId: this.lastId },
    );
  }

  /** Reads up to `n` bytes; the transport then reports room (drain) if it has some. */
  read(n: number): void {
    const chunk = this.transport.pending.slice(0, n);
    this.transport.pending = this.transport.pending.slice(n);
    this.#parser.feed(chunk);
    if (this.transport.closed) {
      if (this.transport.pending === '') this.connect(); // the server ended it: reconnect
    } else if (this.transport.pending.length < this.transport.capacity) this.subscriber.drain();
  }

  /** The connection drops: unread bytes are lost; the client resumes from the last id it read. */
  drop(): void {
    this.subscriber.close('client');
    this.connect();
  }

  /** Reads until nothing is left to read or deliver (bounded). */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await tick();
      if (this.transport.pending === '' && this.subscriber.queuedBytes === 0 && !this.transport.closed) {
        await tick();
        if (this.transport.pending === '') return;
      }
      this.read(Number.POSITIVE_INFINITY);
    }
    throw new Error('the client never caught up');
  }
}

type Command =
  | { kind: 'publish'; high: boolean; size: number; count: number }
  | { kind: 'read'; bytes: number }
  | { kind: 'tick' }
  | { kind: 'drop' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('publish' as const),
      high: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      size: fc.integer({ min: 1, max: 300 }),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), bytes: fc.integer({ min: 1, max: 2000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop' as const }) },
);

describe('Subscriber delivery invariant (property)', () => {
  it('ids strictly increase and every published id is received or covered by a gap before the next one, across drops and resumes', async () => {
    const seen = { gaps: 0, missed: 0, drops: 0, evicted: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { maxLength: 120 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(1200, 4000),
        async (commands, capacity, maxQueueBytes) => {
          const hub = createHub({
            heartbeatIntervalMs: null,
            maxQueueBytes,
            flushThresholdBytes: 600,
            bus: createMemoryBus({ maxEvents: 100_000, maxBytes: 1 << 30 }),
          });
          hubs.push(hub);
          const published: string[] = [];
          const client = new Client(hub, () => capacity);
          for (const c of commands) {
            if (c.kind === 'publish') {
              for (let i = 0; i < c.count; i++) {
                const data = `${published.length}`.padEnd(c.size, '.');
                published.push((await hub.publish({ data, priority: c.high ? 'high' : 'normal' })).event.id);
              }
            } else if (c.kind === 'read') client.read(c.bytes);
            else if (c.kind === 'tick') await tick();
            else client.drop();
          }
          await client.settle();
          const report = checkDelivery(published, client.items);
          expect(report.received.length + report.missed).toBe(published.length);
          seen.gaps += report.gaps;
          seen.missed += report.missed;
          seen.drops += commands.filter((c) => c.kind === 'drop').length;
          seen.evicted += hub.stats().evicted;
          // What was dropped at the end is still in history: one more resume from the last id read gets it.
          client.drop();
          await client.settle();
          checkDelivery(published, client.items);
          expect(client.lastId).toBe(published.at(-1));
          expect(hub.stats().queuedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
    // The runs did exercise overflow gaps, resumes and evictions (high frames over the budget).
    expect(seen.gaps).toBeGreaterThan(0);
    expect(seen.missed).toBeGreaterThan(0);
    expect(seen.drops).toBeGreaterThan(0);
    expect(seen.evicted).toBeGreaterThan(0);
  });
});

describe('priority', () => {
  it('a high event is written at once, behind the older events still queued', async () => {
    const hub = createHub({ heartbeatIntervalMs: null });
    hubs.push(hub);
    const sink = new RecordingSink();
    hub.subscribe(sink);
    const a = (await hub.publish({ data: 'a' })).event;
    const b = (await hub.publish({ data: 'b' })).event;
    expect(sink.writes).toBe(1); // the preamble: normal events wait for the end of the tick
    const h = (await hub.publish({ data: 'h', priority: 'high' })).event;
    expect(sink.writes).toBe(2); // not held back by coalescing
    expect(sink.events().map((e) => e.id)).toEqual([a.id, b.id, h.id]);
  });
});

describe('slow subscribers', () => {
  it('drop-oldest: keeps id order, never drops high frames, and puts each gap where its events were', async () => {
    const hub = makeHub({ maxQueueBytes: 2000, flushThresholdBytes: 2000 });
    const sink = new RecordingSink(1); // saturated after the preamble
    const sub = hub.subscribe(sink);
    const sent = await burst(hub, 40, (i) => ({
      data: `n${i}`.padEnd(80, '.'),
      priority: i === 5 || i === 30 ? 'high' : 'normal',
    }));
    await tick();
    expect(hub.stats().queuedBytes).toBeLessThanOrEqual(2000);
    sink.consume(sub);
    const events = sink.events();
    const report = checkDelivery(
      sent.map((e) => e.id),
      events,
    );
    // The high events arrive at their place in the stream, each preceded by the gap of what was dropped before it.
    const labels = events.map((e) => (e.event === 'gap' ? 'gap' : e.data.replace(/\.+$/, '')));
    expect(labels.slice(0, 3)).toEqual(['gap', 'n5', 'gap']);
    const kept = Number(labels[3]?.slice(1));
    expect(labels.slice(3)).toEqual(Array.from({ length: 40 - kept }, (_, i) => `n${kept + i}`)); // n30 among them
    expect(kept).toBeLessThan(30);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({
      reason: 'overflow',
      missed: 5,
      firstId: sent[0]?.id,
      lastId: sent[4]?.id,
    });
    expect(report.gaps).toBe(2);
    expect(hub.stats()).toMatchObject({ dropped: report.missed, evicted: 0, queuedBytes: 0, clients: 1 });
    expect(report.received.length + report.missed).toBe(40);
  });

  it('a resume from the id before an overflow gap replays the dropped events from history', async () => {
    const hub = makeHub({ maxQueueBytes: 2000, flushThresholdBytes: 2000 });
    const sink = new RecordingSink(1);
    const sub = hub.subscribe(sink);
    sink.consume(sub);
    const first = (await hub.publish({ data: 'first' })).event;
    await tick(); // 'first' is written (and then the transport refuses more)
    const sent = await burst(hub, 40, (i) => ({ data: `n${i}`.padEnd(80, '.') }));
    await tick();
    sink.consume(sub);
    const [, gap] = sink.events();
    expect(gap?.event).toBe('gap');
    const { firstId, lastId, missed } = JSON.parse(gap?.data ?? '');
    expect(firstId).toBe(sent[0]?.id);
    // The client read the gap, then dropped: it resumes from the last id it received, before the gap.
    sub.close('client');
    const again = new RecordingSink();
    hub.subscribe(again, { lastEventId: first.id });
    await tick();
    await tick();
    const replayed = again.events().filter((e) => e.event === undefined);
    expect(replayed.map((e) => e.id)).toEqual(sent.map((e) => e.id));
    expect(replayed[missed - 1]?.id).toBe(lastId);
  });

  it('disconnect policy closes the subscriber at the budget and frees its queue', async () => {
    const hub = makeHub({ maxQueueBytes: 2000, flushThresholdBytes: 2000, overflow: 'disconnect' });
    const sink = new RecordingSink(1);
    const sub = hub.subscribe(sink);
    const reasons: string[] = [];
    sub.onClose((r) => reasons.push(r));
    await burst(hub, 40, (i) => ({ data: `${i}`.padEnd(80, '.') }));
    expect(sub.closed).toBe(true);
    expect(sink.closed).toBe(true);
    expect(reasons).toEqual(['overflow']);
    expect(hub.stats()).toMatchObject({ clients: 0, evicted: 1, queuedBytes: 0 });
  });

  it('closes a subscriber whose high-priority backlog alone exceeds the budget', async () => {
    const hub = makeHub({ maxQueueBytes: 1000, flushThresholdBytes: 1000 });
    const sink = new RecordingSink(1);
    const sub = hub.subscribe(sink);
    await burst(hub, 20, (i) => ({ data: `${i}`.padEnd(80, '.'), priority: 'high' }));
    expect(sub.closed).toBe(true);
    expect(hub.stats().dropped).toBe(0);
  });

  it('one saturated subscriber does not hold back the others', async () => {
    const hub = makeHub({ maxQueueBytes: 4096, flushThresholdBytes: 1024 });
    const stuck = new RecordingSink(1);
    const fast = new RecordingSink();
    hub.subscribe(stuck);
    hub.subscribe(fast);
    await burst(hub, 500, (i) => ({ data: String(i).padEnd(100, '.') }));
    await tick();
    expect(fast.events()).toHaveLength(500);
    expect(hub.stats().queuedBytes).toBeLessThanOrEqual(4096);
  });
});

describe('private messages (Connection.send)', () => {
  it('go to one connection only, without an id, so a resume neither skips nor repeats a shared event', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    const other = new RecordingSink();
    const conn = hub.subscribe(sink);
    hub.subscribe(other);
    const [a] = await burst(hub, 1, () => ({ data: 'a' }));
    await tick();
    expect(conn.send({ data: { hello: 'you' }, type: 'welcome' })).toBe(true);
    expect(conn.send({ data: 'plain' })).toBe(true);
    const [b] = await burst(hub, 1, () => ({ data: 'b' }));
    await tick();
    expect(sink.text).toBe(
      `: ok\nretry: 2000\n\nid: ${a?.id}\ndata: a\n\nevent: welcome\ndata: {"hello":"you"}\n\ndata: plain\n\nid: ${b?.id}\ndata: b\n\n`,
    );
    expect(other.data()).toEqual(['a', 'b']);
    // A client's last event id is the id of the last event that had one: the private messages leave it alone.
    let lastId: string | undefined;
    const parser = createParser({
      onEvent: (e) => {
        if (e.id) lastId = e.id;
      },
    });
    parser.feed(sink.text.slice(0, sink.text.indexOf(`id: ${b?.id}`)));
    expect(lastId).toBe(a?.id);
    const resumed = new RecordingSink();
    hub.subscribe(resumed, { lastEventId: lastId });
    await tick();
    await tick();
    expect(resumed.events().map((e) => e.id || e.event)).toEqual([b?.id, 'replayed']);
    expect(await hub.bus.latest(10)).toHaveLength(2); // not stored
  });

  it('are never dropped: queued in order behind a backlog, which overflows around them', async () => {
    const hub = makeHub({ maxQueueBytes: 2000, flushThresholdBytes: 2000 });
    const sink = new RecordingSink(1); // refuses writes after the preamble
    const conn = hub.subscribe(sink);
    const before = await burst(hub, 10, (i) => ({ data: `n${i}`.padEnd(80, '.') }));
    expect(conn.send({ data: 'private', type: 'note' })).toBe(true);
    const after = await burst(hub, 30, (i) => ({ data: `m${i}`.padEnd(80, '.') }));
    await tick();
    expect(hub.stats().dropped).toBeGreaterThan(0);
    sink.consume(conn);
    const events = sink.events();
    const note = events.findIndex((e) => e.event === 'note');
    expect(events[note]).toMatchObject({ data: 'private', id: undefined });
    // The note sits where it was sent: every event before it is older than every event after it.
    const ids = [...before, ...after].map((e) => e.id);
    checkDelivery(
      ids,
      events.filter((e) => e.event !== 'note'),
    );
    const firstAfter = events.slice(note + 1).find((e) => e.event !== 'gap');
    expect(ids.indexOf(firstAfter?.id as string)).toBeGreaterThanOrEqual(10);
  });

  it('are refused, not queued, on a closed connection or past the byte budget; a bad type throws', async () => {
    const hub = makeHub({ maxQueueBytes: 1000, flushThresholdBytes: 1000 });
    const sink = new RecordingSink(1);
    const conn = hub.subscribe(sink);
    expect(conn.send({ data: 'x'.repeat(900) })).toBe(true); // queued: the transport refuses writes
    expect(conn.send({ data: 'y'.repeat(900) })).toBe(false); // no room left in the budget
    expect(conn.queuedBytes).toBe(908);
    expect(() => conn.send({ data: 'z', type: 'a\nb' })).toThrowError(/type must be 1-256 characters/);
    expect(() => conn.send({ data: undefined })).toThrowError(/data could not be serialized/);
    sink.consume(conn);
    conn.close();
    expect(conn.send({ data: 'late' })).toBe(false);
    expect(sink.text).not.toContain('yyyy');
    expect(sink.text).not.toContain('late');
  });

  it('sent while a replay is pending are written at once, ahead of the replayed events (they have no id to order)', async () => {
    const hub = makeHub();
    const sent = await burst(hub, 3, (i) => ({ data: `e${i}` }));
    const sink = new RecordingSink();
    const conn = hub.subscribe(sink, { lastEventId: sent[0]?.id });
    conn.send({ data: 'hello', type: 'welcome' });
    await tick();
    await tick();
    expect(sink.events().map((e) => e.event ?? e.data)).toEqual(['welcome', 'e1', 'e2', 'replayed']);
  });
});
