import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingSink } from '../test/helpers.js';
import { createHub, type Hub, type HubOptions } from './hub.js';

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
const pub = async (hub: Hub, input: Parameters<Hub['publish']>[0]) => (await hub.publish(input)).event;

describe('shared timers (fake clock)', () => {
  it('runs one shared heartbeat timer, writes only after a full interval of silence, and stops with the last one', async () => {
    vi.useFakeTimers();
    const hub = makeHub({ heartbeatIntervalMs: 15_000, retryMs: null });
    const sinks = Array.from({ length: 50 }, () => new RecordingSink());
    const subs = sinks.map((s, i) => hub.subscribe(s, { channels: [i === 0 ? 'busy' : 'quiet'] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(7_500);
    await pub(hub, { data: 'busy', channel: 'busy' });
    await vi.advanceTimersByTimeAsync(7_499);
    expect(sinks[1]?.text).toBe(': ok\n\n');
    await vi.advanceTimersByTimeAsync(1); // 15 s after connecting
    expect(sinks[1]?.text).toBe(': ok\n\n:\n\n');
    expect(sinks[0]?.text).toMatch(/data: busy\n\n$/); // written to 7.5 s ago
    await vi.advanceTimersByTimeAsync(7_499);
    expect(sinks[0]?.text).toMatch(/data: busy\n\n$/);
    await vi.advanceTimersByTimeAsync(1); // 15 s after its last write
    expect(sinks[0]?.text).toMatch(/data: busy\n\n:\n\n$/);
    await vi.advanceTimersByTimeAsync(7_500);
    expect(sinks[1]?.text).toBe(': ok\n\n:\n\n:\n\n');
    for (const sub of subs) sub.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('no connection stays silent longer than the interval, whenever it connects or was last written', async () => {
    vi.useFakeTimers();
    const interval = 1000;
    const hub = makeHub({ heartbeatIntervalMs: interval, retryMs: null });
    const start = Date.now();
    const log: { channel: string; connectedAt: number; writes: number[]; sink: RecordingSink }[] = [];
    const connect = () => {
      // busy: an event every 290 ms; sometimes: every 1450 ms; idle: never.
      const channel = ['busy', 'sometimes', 'idle'][log.length % 3] as string;
      const entry = { channel, connectedAt: Date.now(), writes: [] as number[], sink: new RecordingSink() };
      log.push(entry);
      const write = entry.sink.write.bind(entry.sink);
      entry.sink.write = (chunk) => {
        entry.writes.push(Date.now());
        return write(chunk);
      };
      hub.subscribe(entry.sink, { channels: [channel] });
    };
    // Connections arrive at every phase of the shared timer (every 37 ms for 6 s).
    for (let t = 0; t < 6000; t += 1) {
      if (t % 37 === 0) connect();
      if (t % 290 === 0) await hub.publish({ data: String(t), channel: 'busy' });
      if (t % 1450 === 0) await hub.publish({ data: String(t), channel: 'sometimes' });
      await vi.advanceTimersByTimeAsync(1);
    }
    const end = Date.now();
    expect(end - start).toBe(6000);
    let longest = 0;
    for (const { connectedAt, writes } of log) {
      const times = [...writes, end];
      expect(times[0]).toBe(connectedAt); // the preamble
      for (let i = 1; i < times.length; i++)
        longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
    }
    expect(longest).toBe(interval);
    const keepAlives = (channel: string) =>
      log.filter((e) => e.channel === channel).reduce((n, e) => n + e.sink.text.split(':\n\n').length - 1, 0);
    expect(keepAlives('busy')).toBe(0); // written to often enough: no keep-alive needed
    expect(keepAlives('sometimes')).toBeGreaterThan(0);
    expect(keepAlives('idle')).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('sends a named ping event with a timestamp when asked', async () => {
    vi.useFakeTimers();
    const hub = makeHub({ heartbeatIntervalMs: 1000, ping: true });
    const sink = new RecordingSink();
    hub.subscribe(sink);
    await vi.advanceTimersByTimeAsync(2000);
    const [ping] = sink.events();
    expect(ping?.event).toBe('ping');
    expect(Number.isNaN(Date.parse(JSON.parse(ping?.data ?? '{}').timestamp))).toBe(false);
  });

  it('ends connections after the maximum lifetime, with jitter in [80%, 100%]', async () => {
    vi.useFakeTimers();
    const hub = makeHub({ maxLifetimeMs: 10_000 });
    const subs = Array.from({ length: 40 }, () => hub.subscribe(new RecordingSink()));
    const closedAt = new Map<number, number>();
    const start = Date.now();
    for (const s of subs) s.onClose((reason) => reason === 'lifetime' && closedAt.set(s.id, Date.now() - start));
    await vi.advanceTimersByTimeAsync(7_000);
    expect(closedAt.size).toBe(0);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(closedAt.size).toBe(40);
    const times = [...closedAt.values()];
    expect(Math.min(...times)).toBeGreaterThanOrEqual(8_000);
    expect(new Set(times).size).toBeGreaterThan(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
