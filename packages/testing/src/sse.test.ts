import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenLocal } from './server.js';
import { openEventSource, readUntil } from './sse.js';
import { until } from './wait.js';

/** A server that hands each SSE response to `onStream`, recording the request headers. */
async function sseServer(onStream: (res: ServerResponse) => void) {
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server = await listenLocal((req, res) => {
    headers.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    onStream(res);
  });
  return Object.assign(server, { headers });
}

describe('readUntil', () => {
  it('reads the exact text until the marker, across chunks that split a character', async () => {
    const euro = Buffer.from('data: €\n\n');
    await using server = await sseServer((res) => {
      res.write(euro.subarray(0, 7)); // "data: " and the first byte of €
      setImmediate(() => res.write(euro.subarray(7)));
    });
    expect(await readUntil(await fetch(server.url), '\n\n')).toBe('data: €\n\n');
  });

  it('fails when the stream ends first, showing what it read', async () => {
    await using server = await sseServer((res) => res.end(': bye\n\n'));
    await expect(readUntil(await fetch(server.url), 'event: never')).rejects.toThrow(
      'the stream ended before "event: never"; read: ": bye\\n\\n"',
    );
  });

  it('fails after its bound, and past its size limit', async () => {
    await using server = await sseServer((res) => res.write(': open\n\n'));
    await expect(readUntil(await fetch(server.url), 'x:', { timeoutMs: 50, what: 'x' })).rejects.toThrow(
      'timed out after 50 ms waiting for x (read so far: ": open\\n\\n")',
    );
    await expect(readUntil(await fetch(server.url), 'x:', { maxChars: 4 })).rejects.toThrow(
      /^read 8 characters without "x:"/,
    );
  });
});

describe('openEventSource', () => {
  it('records unnamed events with their ids and the named ones asked for, and sends the extra headers', async () => {
    await using server = await sseServer((res) =>
      res.write('id: 1\ndata: one\n\nevent: gap\ndata: {}\n\nevent: other\ndata: x\n\nid: 2\ndata: two\n\n'),
    );
    using es = openEventSource(server.url, { headers: { 'last-event-id': '0' } });
    await es.opened;
    await until(() => es.messages.length === 2, 5000, 'both messages');
    expect(es.messages).toEqual([
      { data: 'one', id: '1' },
      { data: 'two', id: '2' },
    ]);
    expect(es.named).toEqual([{ type: 'gap', data: '{}' }]);
    expect(server.headers[0]?.['last-event-id']).toBe('0');
  });

  it('rejects `opened` after its bound when the server never answers', async () => {
    await using server = await listenLocal(() => undefined);
    using es = openEventSource(server.url, { openTimeoutMs: 50 });
    await expect(es.opened).rejects.toThrow(
      `timed out after 50 ms waiting for the EventSource on ${server.url} to open`,
    );
  });
});
