import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingSink, tick } from '../test/helpers.js';
import type { HubEvent, PublishInput } from './event.js';
import { createHub, type Hub, type HubOptions } from './hub.js';

let hubs: Hub[] = [];
const makeHub = (options: HubOptions = {}) => {
  const hub = createHub({ heartbeatIntervalMs: null, ...options });
  hubs.push(hub);
  return hub;
};
afterEach(async () => {
  for (const hub of hubs) await hub.close();
  hubs = [];
});

/** Publishes and returns the stored event. */
const pub = async (hub: Hub, input: PublishInput): Promise<HubEvent> => (await hub.publish(input)).event;

describe('publish', () => {
  it('publish resolves with the stored event and how many subscribers it was queued to', async () => {
    const hub = makeHub();
    hub.subscribe(new RecordingSink(), { channels: ['a'] });
    hub.subscribe(new RecordingSink(), { types: ['t'] });
    hub.subscribe(new RecordingSink());
    const results = [
      await hub.publish({ data: '1', channel: 'a' }),
      await hub.publish({ data: '2', channel: 'b', type: 't' }),
      await hub.publish({ data: '3', channel: 'b' }),
      await hub.publish({ data: '4', channel: 'c', type: 'other' }),
    ];
    expect(results.map((r) => [r.queued, r.local])).toEqual([
      [2, 'delivered'],
      [2, 'delivered'],
      [1, 'delivered'],
      [1, 'delivered'],
    ]);
    expect(results[1]?.event).toMatchObject({
      data: '2',
      channel: 'b',
      type: 't',
      priority: 'normal',
      text: undefined,
    });
    expect(await hub.bus.latest(1)).toEqual([results[3]?.event]);
    const empty = makeHub();
    expect(await empty.publish({ data: 'nobody' })).toMatchObject({ queued: 0, local: 'delivered' });
  });

  it('serializes a non-string payload once with the serializer; strings go as they are', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    hub.subscribe(sink);
    await hub.publish({ data: { hello: ['world', 1] } });
    await hub.publish({ data: '{"already":"json"}' });
    await hub.publish({ data: 42 });
    await tick();
    expect(sink.data()).toEqual(['{"hello":["world",1]}', '{"already":"json"}', '42']);
    const serializer = vi.fn((value: unknown) => `<${String(value)}>`);
    const custom = makeHub({ serializer });
    const other = new RecordingSink();
    custom.subscribe(other);
    custom.subscribe(new RecordingSink());
    await custom.publish({ data: 7 });
    await custom.publish({ data: 'plain' });
    await tick();
    expect(other.data()).toEqual(['<7>', 'plain']);
    expect(serializer).toHaveBeenCalledTimes(1);
  });

  it('rejects a payload the serializer cannot turn into a string, saying why', async () => {
    const hub = makeHub();
    await expect(hub.publish({ data: undefined })).rejects.toMatchObject({
      code: 'invalid_field',
      message: 'data could not be serialized: the serializer returned undefined, not a string',
    });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    await expect(hub.publish({ data: loop })).rejects.toMatchObject({ code: 'invalid_field' });
    await expect(hub.publish({ data: 'x', text: 5 as unknown as string })).rejects.toThrowError(
      'text must be a string',
    );
    expect(hub.stats().published).toBe(0);
  });

  it("hands the publisher's text to formats, live and in replays, without touching the data", async () => {
    const hub = makeHub({ formats: { text: (e) => ({ data: `[${e.type}] ${e.text ?? '-'}` }) } });
    const live = new RecordingSink();
    hub.subscribe(live, { format: 'text' });
    const first = await pub(hub, { data: { message: 'hi\nthere' }, text: 'hi\nthere', type: 'info' });
    await pub(hub, { data: 'no text', type: 'info' });
    await tick();
    expect(live.data()).toEqual(['[info] hi\nthere', '[info] -']);
    expect(first).toMatchObject({ data: '{"message":"hi\\nthere"}', text: 'hi\nthere' });
    const replayed = new RecordingSink();
    hub.subscribe(replayed, { format: 'text', replay: 2 });
    await tick();
    await tick();
    expect(replayed.data()).toEqual(['[info] hi\nthere', '[info] -']);
  });
});
