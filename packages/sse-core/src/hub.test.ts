import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingSink, tick } from '../test/helpers.js';
import type { Bus, BusListener } from './bus.js';
import type { HubEvent, PublishInput } from './event.js';
import { createHub, type Hub, type HubOptions } from './hub.js';
import { createMemoryBus } from './memoryBus.js';

const PREAMBLE = ': ok\nretry: 2000\n\n';
let hubs: Hub[] = [];
const makeHub = (options: HubOptions = {}) => {
  const hub = createHub({ heartbeatIntervalMs: null, ...options });
  hubs.push(hub);
  return hub;
};
afterEach(async () => {
  vi.useRealTimers();
  for (const hub of hubs) await hub.close();
  hubs = [];
});

/** Publishes and returns the stored event. */
const pub = async (hub: Hub, input: PublishInput): Promise<HubEvent> => (await hub.publish(input)).event;

/** Publishes without awaiting between events (the memory bus delivers synchronously). */
const burst = (hub: Hub, n: number, make: (i: number) => PublishInput) =>
  Promise.all(Array.from({ length: n }, (_, i) => pub(hub, make(i))));

/**
 * A bus that behaves like a remote one, under the test's control: replays answer when the test
 * says so, and live delivery lags behind publish until the test releases it.
 */
function remoteBus(inner: Bus, { snapshot = false } = {}) {
  const held: HubEvent[] = [];
  const replays: (() => void)[] = [];
  let listener: BusListener | undefined;
  const bus: Bus = {
    ...inner,
    listen(l) {
      listener = l;
      return inner.listen((e) => {
        held.push(e);
        return undefined;
      });
    },
    // The history is read when the replay is asked for (`snapshot`) or when it is answered.
    after: (id) => {
      const read = snapshot ? inner.after(id) : undefined;
      return new Promise((resolve) => {
        replays.push(() => resolve(read ?? inner.after(id)));
      });
    },
  };
  return {
    bus,
    /** Delivers the events published so far to the hub, live. */
    deliver: () => {
      for (const e of held.splice(0)) listener?.(e);
    },
    /** Answers the pending replays. */
    answer: () => {
      for (const r of replays.splice(0)) r();
    },
    pendingReplays: () => replays.length,
  };
}

describe('fan-out', () => {
  it('writes the preamble, then exact frames, with ids from the bus', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    hub.subscribe(sink);
    const a = await pub(hub, { data: 'hello' });
    const b = await pub(hub, { data: 'line1\nline2', type: 'update' });
    await tick();
    expect(sink.text).toBe(
      `${PREAMBLE}id: ${a.id}\ndata: hello\n\nid: ${b.id}\nevent: update\ndata: line1\ndata: line2\n\n`,
    );
  });

  it('serializes each event once per format, however many subscribers', async () => {
    const json = vi.fn((e: HubEvent) => ({ data: JSON.stringify({ d: e.data }) }));
    const hub = makeHub({ formats: { json } });
    const sinks = Array.from({ length: 100 }, (_, i) => {
      const sink = new RecordingSink();
      hub.subscribe(sink, { format: i % 2 ? 'json' : undefined });
      return sink;
    });
    await hub.publish({ data: 'x' });
    await tick();
    expect(json).toHaveBeenCalledTimes(1);
    expect(sinks[0]?.events().map((e) => e.data)).toEqual(['x']);
    expect(sinks[1]?.events().map((e) => e.data)).toEqual(['{"d":"x"}']);
  });

  it('frames carry the bus id, whatever a formatter returns', async () => {
    const sneaky = (e: HubEvent) => ({ data: e.data, id: 'forged', retry: 1 }) as unknown as { data: string };
    const hub = makeHub({ formats: { sneaky } });
    const sink = new RecordingSink();
    hub.subscribe(sink, { format: 'sneaky' });
    const e = await pub(hub, { data: 'x' });
    await tick();
    expect(sink.text).toBe(`${PREAMBLE}id: ${e.id}\ndata: x\n\n`);
  });

  it('a formatter that throws is reported, and its event announced in place by a gap, live and in replays', async () => {
    const errors: unknown[] = [];
    const picky = (e: HubEvent) => {
      if (e.data === 'bad') throw new Error('cannot render');
      return { data: e.data };
    };
    const hub = makeHub({ formats: { picky }, onError: (error) => errors.push(error) });
    const live = new RecordingSink();
    hub.subscribe(live, { format: 'picky' });
    const sent = await burst(hub, 3, (i) => ({ data: ['a', 'bad', 'c'][i] as string }));
    await tick();
    const seen = (sink: RecordingSink) =>
      sink
        .events()
        .filter((e) => e.event !== 'replayed')
        .map((e) => (e.event === 'gap' ? { gap: JSON.parse(e.data), id: e.id } : e.data));
    const gap = {
      gap: { reason: 'unrenderable', missed: 1, firstId: sent[1]?.id, lastId: sent[1]?.id, message: 'cannot render' },
      id: sent[1]?.id,
    };
    expect(seen(live)).toEqual(['a', gap, 'c']);
    const resumed = new RecordingSink();
    hub.subscribe(resumed, { format: 'picky', lastEventId: sent[0]?.id });
    await tick();
    await tick();
    expect(seen(resumed)).toEqual([gap, 'c']);
    expect(errors).toHaveLength(2);
    expect(hub.stats().clients).toBe(2);
  });

  it('coalesces the frames of one tick into one write per subscriber', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    hub.subscribe(sink);
    await burst(hub, 50, (i) => ({ data: String(i) }));
    await tick();
    expect(sink.writes).toBe(2); // preamble + one coalesced chunk
    expect(sink.events()).toHaveLength(50);
  });

  it('filters by channel and by type; untyped events are "message"', async () => {
    const hub = makeHub();
    const news = new RecordingSink();
    const alerts = new RecordingSink();
    const plain = new RecordingSink();
    hub.subscribe(news, { channels: ['news', 'sport'] });
    hub.subscribe(alerts, { types: ['alert'] });
    hub.subscribe(plain, { channels: ['news'], types: ['message'] });
    await hub.publish({ data: '1', channel: 'news' });
    await hub.publish({ data: '2', channel: 'sport', type: 'alert' });
    await hub.publish({ data: '3', channel: 'other', type: 'alert' });
    await hub.publish({ data: '4', channel: 'news', type: 'alert' });
    await tick();
    expect(news.events().map((e) => e.data)).toEqual(['1', '2', '4']);
    expect(alerts.events().map((e) => e.data)).toEqual(['2', '3', '4']);
    expect(plain.events().map((e) => e.data)).toEqual(['1']);
  });

  it('rejects channel and type names that could break framing', async () => {
    const hub = makeHub();
    await expect(hub.publish({ data: 'x', type: 'a\nb' })).rejects.toThrowError(/type must be 1-256 characters/);
    await expect(hub.publish({ data: 'x', channel: '' })).rejects.toThrowError(/channel/);
  });
});

describe('replay', () => {
  it('resumes after Last-Event-ID with exactly the missed events', async () => {
    const hub = makeHub();
    const sent = await burst(hub, 5, (i) => ({ data: String(i) }));
    const sink = new RecordingSink();
    hub.subscribe(sink, { lastEventId: sent[1]?.id });
    await tick();
    await tick();
    expect(sink.data()).toEqual(['2', '3', '4']);
  });

  it('replays the last N, after filtering', async () => {
    const hub = makeHub();
    await burst(hub, 6, (i) => ({ data: String(i), channel: i % 2 ? 'odd' : 'even' }));
    const sink = new RecordingSink();
    hub.subscribe(sink, { replay: 4, channels: ['odd'] });
    await tick();
    await tick();
    expect(sink.data()).toEqual(['3', '5']);
  });

  it('sends a gap event (no id) before the retained events when the id has expired', async () => {
    const hub = makeHub({ bus: createMemoryBus({ maxEvents: 2 }) });
    const sent = await burst(hub, 5, (i) => ({ data: String(i) }));
    const sink = new RecordingSink();
    hub.subscribe(sink, { lastEventId: sent[0]?.id });
    await tick();
    await tick();
    const events = sink.events();
    expect(events[0]).toMatchObject({ event: 'gap', id: undefined });
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({ reason: 'expired', lastEventId: sent[0]?.id });
    expect(events.slice(1, 3).map((e) => e.data)).toEqual(['3', '4']);
    expect(events[3]).toMatchObject({ event: 'replayed', data: '{"count":2}', id: undefined });
  });

  it('delivers events published during a slow replay after it, in order, exactly once', async () => {
    const remote = remoteBus(createMemoryBus());
    const hub = makeHub({ bus: remote.bus });
    const before = await burst(hub, 3, (i) => ({ data: `old${i}` }));
    remote.deliver();
    const sink = new RecordingSink();
    hub.subscribe(sink, { lastEventId: before[0]?.id });
    expect(remote.pendingReplays()).toBe(1);
    // Published while the replay is in flight: mid0 and mid1 arrive live before the replay answers
    // (they are held back), mid2 after it; all three are in the replay answer too.
    await burst(hub, 3, (i) => ({ data: `mid${i}` }));
    remote.deliver();
    remote.answer();
    await tick();
    await tick();
    await burst(hub, 2, (i) => ({ data: `new${i}` }));
    remote.deliver();
    await tick();
    expect(sink.data()).toEqual(['old1', 'old2', 'mid0', 'mid1', 'mid2', 'new0', 'new1']);
    expect(hub.stats()).toMatchObject({ queuedBytes: 0, dropped: 0 });
  });

  it('holds live events that come during a replay and writes them after it (and after the gap)', async () => {
    const remote = remoteBus(createMemoryBus({ maxEvents: 2 }), { snapshot: true });
    const hub = makeHub({ bus: remote.bus });
    const old = await burst(hub, 4, (i) => ({ data: `old${i}` }));
    remote.deliver();
    const sink = new RecordingSink();
    hub.subscribe(sink, { lastEventId: old[0]?.id });
    const live = await pub(hub, { data: 'live', priority: 'high' });
    remote.deliver();
    await tick();
    expect(sink.text).toBe(PREAMBLE); // held: nothing may overtake the replay
    expect(hub.stats().queuedBytes).toBeGreaterThan(0);
    remote.answer();
    await tick();
    await tick();
    const events = sink.events();
    expect(events.map((e) => e.event ?? e.data)).toEqual(['gap', 'old2', 'old3', 'replayed', 'live']);
    expect(events.at(-1)?.id).toBe(live.id);
    expect(JSON.parse(events[3]?.data ?? '')).toEqual({ count: 2 });
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('writes a long replay in slices, honouring backpressure', async () => {
    const hub = makeHub({ maxQueueBytes: 256 * 1024, bus: createMemoryBus({ maxEvents: 5000 }) });
    const sent = await burst(hub, 3000, (i) => ({ data: `${i}`.padEnd(100, '.') }));
    const sink = new RecordingSink(32 * 1024);
    const sub = hub.subscribe(sink, { lastEventId: sent[0]?.id });
    await tick();
    await tick();
    expect(sink.events().length).toBeLessThan(2999);
    for (let i = 0; i < 100 && !sub.closed; i++) sink.consume(sub);
    expect(sink.data().map((d) => d.slice(0, 4))).toEqual(sent.slice(1).map((e) => e.data.slice(0, 4)));
    expect(hub.stats().dropped).toBe(0);
  });
});

describe('limits and stats', () => {
  it('refuses subscribers past maxConnections', () => {
    const hub = makeHub({ maxConnections: 2 });
    hub.subscribe(new RecordingSink());
    const second = hub.subscribe(new RecordingSink());
    expect(() => hub.subscribe(new RecordingSink())).toThrowError(/connection limit reached \(2\)/);
    second.close();
    expect(() => hub.subscribe(new RecordingSink())).not.toThrow();
  });

  it('validates options, naming contradictory values', () => {
    expect(() => createHub({ maxQueueBytes: 100, flushThresholdBytes: 200 })).toThrowError(
      'flushThresholdBytes (200) must not exceed maxQueueBytes (100)',
    );
    // A budget smaller than the default flush threshold brings the threshold down instead of failing.
    expect(() => createHub({ maxQueueBytes: 4096 }).close()).not.toThrow();
    expect(() => createHub({ heartbeatIntervalMs: 0 })).toThrowError(/heartbeatIntervalMs must be a positive number/);
    expect(() => createHub({ lifetimeJitter: 1 })).toThrowError(/lifetimeJitter/);
    expect(() => makeHub().subscribe(new RecordingSink(), { format: 'nope' })).toThrowError(/unknown format "nope"/);
  });

  it('refuses subscribe options that cannot be honoured, saying what to fix', () => {
    const hub = makeHub();
    const sub = (o: Parameters<Hub['subscribe']>[1]) => () => hub.subscribe(new RecordingSink(), o);
    expect(sub({ channels: ['ok', 'a\nb'] })).toThrowError(/^channel must be 1-256 characters without CR, LF or NUL/);
    expect(sub({ types: [''] })).toThrowError(/^type must be 1-256 characters/);
    for (const replay of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(sub({ replay })).toThrowError(`replay must be a non-negative integer (got ${replay})`);
    }
    expect(sub({ lastEventId: 'x'.repeat(257) })).toThrowError(/^lastEventId must be an event id the stream sent/);
    expect(sub({ lastEventId: 'a\0' })).toThrowError(/lastEventId/);
    let caught: unknown;
    try {
      sub({ format: 'nope' })();
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'SseError', code: 'invalid_option' });
    expect(hub.stats().clients).toBe(0);
    const sink = new RecordingSink();
    hub.subscribe(sink, { lastEventId: '', replay: 0 }); // empty id: none, as EventSource means it
    expect(sink.text).toBe(PREAMBLE);
  });

  it('counts clients per channel, published, delivered; closing frees everything', async () => {
    const hub = makeHub();
    const a = hub.subscribe(new RecordingSink(), { channels: ['x', 'y'] });
    hub.subscribe(new RecordingSink(), { channels: ['x'] });
    hub.subscribe(new RecordingSink());
    await burst(hub, 3, () => ({ data: 'd', channel: 'x' }));
    await tick();
    expect(hub.stats()).toMatchObject({
      clients: 3,
      channels: { '*': 1, x: 2, y: 1 },
      published: 3,
      delivered: 9,
      dropped: 0,
      queuedBytes: 0,
    });
    a.close();
    // What a closed connection delivered stays counted.
    expect(hub.stats()).toMatchObject({ channels: { '*': 1, x: 1 }, delivered: 9 });
    await hub.close();
    expect(hub.stats()).toMatchObject({ clients: 0, channels: {} });
    expect(() => hub.subscribe(new RecordingSink())).toThrowError(/closed/);
  });
});
