import { afterEach, describe, expect, it } from 'vitest';
import { RecordingSink, tick } from '../test/helpers.js';
import type { SseError } from './errors.js';
import { createHub, type Hub } from './hub.js';

let hubs: Hub[] = [];
const makeHub = () => {
  const hub = createHub({ heartbeatIntervalMs: null });
  hubs.push(hub);
  return hub;
};
afterEach(async () => {
  for (const hub of hubs) await hub.close();
  hubs = [];
});

const publishAll = async (hub: Hub, channels: string[]) => {
  for (const channel of channels) await hub.publish({ data: channel, channel, type: 'info' });
  await tick();
};

describe('hub.updateSubscription', () => {
  it('adds and removes channels on a live connection, keeping the index and ids in order', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    const connection = hub.subscribe(sink, { channels: ['a'] });
    await publishAll(hub, ['a', 'b']);
    expect(hub.updateSubscription(connection, { add: { channels: ['b'] } })).toEqual({
      channels: ['a', 'b'],
      types: null,
    });
    expect(hub.stats().channels).toEqual({ a: 1, b: 1 });
    await publishAll(hub, ['a', 'b', 'c']);
    hub.updateSubscription(connection, { remove: { channels: ['a'] } });
    expect(hub.stats().channels).toEqual({ b: 1 });
    await publishAll(hub, ['a', 'b']);
    expect(sink.data()).toEqual(['a', 'a', 'b', 'b']);
    const ids = sink.events().map((e) => e.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(connection.channels).toEqual(new Set(['b']));
  });

  it('narrows types, sets filters, and empties them', async () => {
    const hub = makeHub();
    const sink = new RecordingSink();
    const connection = hub.subscribe(sink);
    expect(hub.updateSubscription(connection, { set: { channels: ['a'], types: ['info'] } })).toEqual({
      channels: ['a'],
      types: ['info'],
    });
    await hub.publish({ data: 'x', channel: 'a', type: 'warning' });
    await hub.publish({ data: 'y', channel: 'a', type: 'info' });
    expect(hub.stats().channels).toEqual({ a: 1 });
    hub.updateSubscription(connection, { remove: { channels: ['a'] } });
    await publishAll(hub, ['a']);
    expect(hub.stats().channels).toEqual({});
    expect(hub.stats().clients).toBe(1);
    hub.updateSubscription(connection, { set: { channels: null, types: null } });
    await publishAll(hub, ['z']);
    expect(sink.data()).toEqual(['y', 'z']);
    expect(hub.stats().channels).toEqual({ '*': 1 });
  });

  it('refuses a bad change without changing anything, and closed connections', async () => {
    const hub = makeHub();
    const connection = hub.subscribe(new RecordingSink(), { channels: ['a'] });
    const refused = (change: Parameters<Hub['updateSubscription']>[1]) => {
      try {
        hub.updateSubscription(connection, change);
      } catch (error) {
        return error as SseError;
      }
      throw new Error('accepted');
    };
    expect(refused({ add: { channels: ['b', 'bad\nname'] } }).code).toBe('invalid_option');
    expect(refused({ add: { channels: 'b' as unknown as string[] } }).message).toMatch(/list of names/);
    expect(connection.channels).toEqual(new Set(['a']));
    const everyType = refused({ remove: { types: ['info'] } });
    expect(everyType.message).toMatch(/receives every type.*set a list of types first/);
    expect(connection.channels).toEqual(new Set(['a']));
    const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    expect(hub.updateSubscription(connection, { set: { channels: names(4) } }, 4).channels).toHaveLength(4);
    expect(() => hub.updateSubscription(connection, { add: { channels: ['one-more'] } }, 4)).toThrow(
      /at most 4 channels; this change would leave 5/,
    );
    expect(connection.channels?.size).toBe(4);
    connection.close();
    expect(refused({ add: { channels: ['b'] } }).code).toBe('closed');
    expect(hub.stats().channels).toEqual({});
  });
});
