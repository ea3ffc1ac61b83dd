import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SESSION_GAP_METHOD } from '@ws/events';
import { describe, expect, it } from 'vitest';
import { type LogPosition, type LogReplay, memorySessionLogs, type SessionLog } from './sessionEventLogs.js';
import { SessionEventStore } from './sessionEventStore.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

/** A real in-memory session log whose `after` waits until `release()`: the window a resume races with. */
function slowLog(maxEvents = 100): { log: SessionLog; release: () => void; reading: Promise<void> } {
  const log = memorySessionLogs().open('s', { maxEvents });
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const reading = new Promise<void>((r) => {
    started = r;
  });
  let slow = false;
  return {
    log: {
      append: (stream, data) => log.append(stream, data),
      mark: (stream) => log.mark(stream),
      async after(stream: string, position: LogPosition): Promise<LogReplay | undefined> {
        if (!slow) return log.after(stream, position);
        const result = await log.after(stream, position);
        started();
        await gate;
        return result;
      },
    },
    release: () => release(),
    get reading() {
      slow = true;
      return reading;
    },
  };
}

const recorder = () => {
  const sent: { id: string; message: JSONRPCMessage }[] = [];
  const send = async (id: string, message: JSONRPCMessage) => {
    sent.push({ id, message });
  };
  const numbers = () =>
    sent.map(({ message }) =>
      'method' in message && message.method === SESSION_GAP_METHOD
        ? 'gap'
        : ((message as unknown as { params: { n: number } }).params.n as number | string),
    );
  return { sent, send, numbers };
};

describe('SessionEventStore resume', () => {
  it('writes events stored while the replay is read after the replay, in order, once', async () => {
    const slow = slowLog();
    const store = new SessionEventStore(slow.log, { capacity: 100 });
    const after = await store.storeEvent('GET', note(1));
    await store.storeEvent('GET', note(2));
    const reading = slow.reading;
    const { send, numbers } = recorder();
    const replaying = store.replayEventsAfter(after, { send });
    await reading; // the log has been read: 2 is in the replay, 3 and 4 are not
    await store.storeEvent('GET', note(3));
    await store.storeEvent('GET', note(4));
    slow.release();
    expect(await replaying).toBe('GET');
    expect(numbers()).toEqual([2, 3, 4]);
    // Until the SDK has connected the stream (next macrotask), new events are forwarded too.
    await store.storeEvent('GET', note(5));
    expect(numbers()).toEqual([2, 3, 4, 5]);
    await new Promise((r) => setImmediate(r));
    await store.storeEvent('GET', note(6)); // the SDK's live path writes this one, not the store
    expect(numbers()).toEqual([2, 3, 4, 5]);
  });

  it('announces events that arrived faster than it holds during a resume, before the held ones', async () => {
    const slow = slowLog(100);
    const store = new SessionEventStore(slow.log, { capacity: 3 });
    const after = await store.storeEvent('GET', note(0));
    const reading = slow.reading;
    const { send, numbers, sent } = recorder();
    const replaying = store.replayEventsAfter(after, { send });
    await reading;
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await store.storeEvent('GET', note(n)));
    slow.release();
    await replaying;
    expect(numbers()).toEqual(['gap', 3, 4, 5]);
    const gap = sent[0]?.message as unknown as {
      params: { missed: number; firstMissedId: string; lastMissedId: string };
    };
    expect(gap.params.missed).toBe(2);
    expect(gap.params.firstMissedId).toBe(ids[0]);
    expect(gap.params.lastMissedId).toBe(ids[1]);
    expect(sent[0]?.id).toBe(''); // no id: resuming again starts from the same point
  });
});
