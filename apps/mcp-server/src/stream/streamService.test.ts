import { type ParsedPushInput, PushInputSchema } from '@ws/events';
import { createMemoryBus, type SseSink } from '@ws/sse-core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storedMessage } from './streamMessages.js';
import { createStreamService, type StreamService } from './streamService.js';

let services: StreamService[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of services) await s.close();
  services = [];
});

function service(...args: Parameters<typeof createStreamService>) {
  const s = createStreamService({ ...args[0], hub: { heartbeatIntervalMs: null, ...args[0]?.hub } });
  services.push(s);
  return s;
}

/** A sink that parses what it is written with a spec-compliant parser. */
function client(): SseSink & { events: EventSourceMessage[] } {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  const decoder = new TextDecoder();
  return {
    events,
    write: (c) => {
      parser.feed(decoder.decode(c));
      return true;
    },
    bufferedBytes: () => 0,
    close: () => undefined,
  };
}

const push = (input: unknown) => PushInputSchema.parse(input) as ParsedPushInput;
const tick = () => new Promise((r) => setImmediate(r));

describe('one path for one message', () => {
  it('push returns the count of subscribers it was queued to, from publish itself', async () => {
    const s = service();
    s.hub.subscribe(client(), { format: 'text' });
    s.hub.subscribe(client(), { format: 'json', channels: ['ops'] });
    s.hub.subscribe(client(), { format: 'text', channels: ['other'] });
    const result = await s.push(push({ message: 'hi', channel: 'ops' }));
    expect(result).toMatchObject({ channel: 'ops', type: 'info', priority: 'normal', clients: 2 });
    expect(s.messageStatus(result.id)).toMatchObject({ id: result.id, reached: 2, acknowledged: 0 });
  });

  it('serializes a message once and never parses it back on the way out, in either format', async () => {
    const s = service();
    const text = client();
    const json = client();
    s.hub.subscribe(text, { format: 'text' });
    s.hub.subscribe(json, { format: 'json' });
    const stringify = vi.spyOn(JSON, 'stringify');
    const parse = vi.spyOn(JSON, 'parse');
    const result = await s.push(push({ message: 'line 1\nline 2', data: { n: [1, 2] }, priority: 'high' }));
    await tick();
    expect(parse).not.toHaveBeenCalled();
    // The message and the data are each serialized once (the rest is the small strings around them).
    const serialized = stringify.mock.calls.map((c) => c[0]);
    expect(serialized.filter((v) => v === 'line 1\nline 2')).toHaveLength(1);
    expect(serialized.filter((v) => typeof v === 'object')).toEqual([{ n: [1, 2] }]);
    vi.restoreAllMocks();
    expect(text.events.map((e) => e.data)).toEqual([`[${result.timestamp}] line 1\nline 2`]);
    expect(JSON.parse(json.events[0]?.data ?? '')).toEqual({
      id: result.id,
      timestamp: result.timestamp,
      channel: 'default',
      type: 'info',
      priority: 'high',
      message: 'line 1\nline 2',
      data: { n: [1, 2] },
    });
    const data = await s.push(push({ data: { only: 'data' } }));
    await tick();
    expect(text.events[1]?.data).toBe(`[${data.timestamp}] {"only":"data"}`);
  });

  it('stores exactly what JSON.stringify of the envelope gives, for any push', () => {
    const input = fc.record(
      {
        message: fc.string({ minLength: 1, maxLength: 40 }),
        data: fc.jsonValue({ maxDepth: 3 }),
        channel: fc.stringMatching(/^[a-z0-9_-]{1,20}$/),
        type: fc.constantFrom('info', 'success', 'warning', 'error', 'custom'),
        priority: fc.constantFrom('low', 'normal', 'high'),
      },
      { requiredKeys: ['channel', 'type', 'priority'] },
    );
    fc.assert(
      fc.property(input, (raw) => {
        const parsed = PushInputSchema.safeParse(raw);
        if (!parsed.success) return;
        const p = parsed.data as ParsedPushInput;
        const body: Record<string, unknown> = { channel: p.channel, type: p.type, priority: p.priority };
        if (p.message !== undefined) body.message = p.message;
        if (p.data !== undefined) body.data = p.data;
        const stored = storedMessage(p);
        expect(stored.data).toBe(JSON.stringify(body));
        expect(stored.text).toBe(p.message ?? JSON.stringify(p.data));
      }),
      { numRuns: 300 },
    );
  });

  it('records the fan-out of events published by another instance, so they can be acknowledged here', async () => {
    const bus = createMemoryBus();
    const s = service({ bus });
    s.hub.subscribe(client());
    // Another instance's event reaches this one through the bus, not through push.
    const { event } = await bus.publish({
      data: '{"channel":"default","type":"info","priority":"normal","message":"x"}',
    });
    expect(s.messageStatus(event.id)).toMatchObject({ id: event.id, reached: 1, acknowledged: 0 });
    expect(s.ack(event.id, 'browser-1')).toBe(true);
    expect(s.messageStatus(event.id)?.acknowledged).toBe(1);
    expect(s.ack('1-0', 'browser-1')).toBe(false);
  });
});
