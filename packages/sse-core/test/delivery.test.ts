// The delivery invariant over a real socket: a client far behind, high-priority events, a drop right
// after one of them, a resume from the last id it read.
//
// How the client is made slow: Node cannot set SO_RCVBUF on a TCP socket, so the client pauses its
// socket and the test publishes 4 KiB events until the hub reports drops. That fills the kernel's
// buffers on both ends whatever their size on this machine (loopback autotuning varies), and the
// wait is on the condition, not on a guess of the buffer size.
import { connect, type Socket } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { handleSseRequest } from '../src/adapters/node.js';
import { createHub } from '../src/hub.js';
import { createMemoryBus } from '../src/memoryBus.js';
import { checkDelivery } from './helpers.js';
import { listen, until } from './server.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A raw HTTP/1.1 SSE client: parses the close-delimited body with eventsource-parser. */
function openStream(port: number, lastEventId: string | undefined, onEvent: (e: EventSourceMessage) => void): Socket {
  const socket = connect(port, '127.0.0.1');
  cleanup.push(() => socket.destroy());
  socket.write(
    `GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n${lastEventId ? `Last-Event-ID: ${lastEventId}\r\n` : ''}\r\n`,
  );
  const parser = createParser({ onEvent });
  let head = '';
  let inBody = false;
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    if (inBody) return parser.feed(text);
    head += text;
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    inBody = true;
    parser.feed(head.slice(end + 4));
  });
  return socket;
}

const turn = () => new Promise((r) => setImmediate(r));

describe('delivery invariant over a real socket', () => {
  it('a backlogged client that drops right after a high event and resumes from it misses nothing silently', async () => {
    const hub = createHub({
      heartbeatIntervalMs: null,
      maxQueueBytes: 64 * 1024,
      flushThresholdBytes: 16 * 1024,
      bus: createMemoryBus({ maxEvents: 50_000, maxBytes: 1 << 30 }),
    });
    cleanup.push(() => hub.close());
    const server = await listen((req, res) => handleSseRequest(hub, req, res));
    cleanup.push(() => server[Symbol.asyncDispose]());
    const port = Number(new URL(server.url).port);

    // Connection 1 reads nothing until the publishing is over.
    const first: EventSourceMessage[] = [];
    let dropped = false;
    const socket1 = openStream(port, undefined, (e) => {
      if (dropped) return; // arrived after the drop: lost in transit
      first.push(e);
      if (e.data.startsWith('high')) {
        dropped = true; // the connection drops right after a high event
        socket1.destroy();
      }
    });
    socket1.pause();
    await until(() => hub.stats().clients === 1, 2000, 'the subscriber');

    const published: string[] = [];
    const publish = async (kind: 'normal' | 'high') => {
      const data = `${kind} ${published.length} ${'x'.repeat(4096)}`;
      published.push((await hub.publish({ data, priority: kind })).event.id);
    };
    // Normal events until the client is so far behind that its queue overflows.
    for (let batch = 0; hub.stats().dropped < 200; batch++) {
      expect(batch, 'the hub never dropped: the socket never filled').toBeLessThan(400);
      for (let i = 0; i < 50; i++) await publish('normal');
      await turn();
    }
    // Then high events among normal ones, while the client is still behind.
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 30; i++) await publish('normal');
      await publish('high');
      await turn();
    }
    for (let i = 0; i < 20; i++) await publish('normal');
    await turn();
    const droppedOnFirst = hub.stats().dropped;

    socket1.resume();
    await until(() => dropped, 10_000, 'connection 1 to reach a high event');
    const highId = first.at(-1)?.id as string;
    expect(first.at(-1)?.data.startsWith('high')).toBe(true);

    // Connection 2 resumes from the last id connection 1 read: the high event's.
    const second: EventSourceMessage[] = [];
    openStream(port, highId, (e) => second.push(e));
    const last = published.at(-1);
    await until(() => second.some((e) => e.id === last), 10_000, 'connection 2 to catch up');
    await until(() => second.some((e) => e.event === 'replayed'), 2000, 'the end of the replay');

    const report = checkDelivery(published, [...first, ...second]);
    // It was the hard case: events were dropped before the high event and announced in place ...
    const gapsOnFirst = first.filter((e) => e.event === 'gap');
    expect(gapsOnFirst.length).toBeGreaterThan(0);
    expect(droppedOnFirst).toBeGreaterThanOrEqual(200);
    expect(report.missed).toBeGreaterThanOrEqual(200);
    // ... and the resume started exactly after the high event, with nothing before it skipped.
    const firstResumed = second.find((e) => e.id);
    expect(firstResumed?.id).toBe(published[published.indexOf(highId) + 1]);
    expect(report.received.at(-1)).toBe(last);
  });
});
