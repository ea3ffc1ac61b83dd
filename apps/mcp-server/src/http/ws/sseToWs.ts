// The hub writes SSE frames; a WebSocket wants one message per frame. The frames of `/ws` sockets
// are built for this: the `ws` format's data line is the whole `event` message, and the private
// frames (`welcome`, answers) carry theirs the same way, so turning a chunk into messages slices
// bytes and copies nothing. Only `gap` and `replayed`, which the hub renders for every transport,
// are wrapped.

import { GAP_EVENT, REPLAYED_EVENT } from '@ws/sse-core';

/** The SSE event name of the private frames a socket's protocol messages travel in. */
export const PROTOCOL_EVENT = 'ws';

const LF = 10;
const DATA = new TextEncoder().encode('data: ');
const EVENT = new TextEncoder().encode('event: ');
const decoder = new TextDecoder();

function startsWith(chunk: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > chunk.length) return false;
  for (let i = 0; i < prefix.length; i++) if (chunk[at + i] !== prefix[i]) return false;
  return true;
}

/** A frame's data lines joined by LF (one line, for every frame this server renders). */
function appendLine(data: Uint8Array | undefined, line: Uint8Array): Uint8Array {
  if (data === undefined) return line;
  const joined = new Uint8Array(data.length + 1 + line.length);
  joined.set(data);
  joined[data.length] = LF;
  joined.set(line, data.length + 1);
  return joined;
}

/** The WebSocket message of one frame, or undefined for frames a socket does not get. */
function messageOf(event: string | undefined, data: Uint8Array): Uint8Array | string | undefined {
  if (event === undefined || event === PROTOCOL_EVENT) return data;
  if (event === GAP_EVENT) return `{"kind":"gap","gap":${decoder.decode(data)}}`;
  // `{"count":N}` → `{"kind":"replayed","count":N}`
  if (event === REPLAYED_EVENT) return `{"kind":"replayed",${decoder.decode(data).slice(1)}`;
  // `ping` (a socket has ping/pong) and any other name: nothing.
  return undefined;
}

/**
 * Calls `send` with the WebSocket message of each SSE frame in `chunk`, in order. Comments (the
 * preamble, keep-alives: a socket has ping/pong instead), `retry:` and `id:` lines carry nothing a
 * socket needs (the event's id is inside its message). The hub writes whole frames only.
 */
export function sseToWsMessages(chunk: Uint8Array, send: (message: Uint8Array | string) => void): void {
  const end = chunk.length;
  let pos = 0;
  while (pos < end) {
    let event: string | undefined;
    let data: Uint8Array | undefined;
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        pos = end;
        break;
      }
      const line = pos;
      pos = nl + 1;
      if (nl === line) break; // the blank line that ends the frame
      if (startsWith(chunk, line, DATA)) data = appendLine(data, chunk.subarray(line + DATA.length, nl));
      else if (startsWith(chunk, line, EVENT)) event = decoder.decode(chunk.subarray(line + EVENT.length, nl));
    }
    if (data === undefined) continue;
    const message = messageOf(event, data);
    if (message !== undefined) send(message);
  }
}
