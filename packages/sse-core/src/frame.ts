import { SseError } from './errors.js';

/**
 * One Server-Sent Event, as the WHATWG event-stream format knows it.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export interface SseEventFields {
  /** Sets the client's last event ID. Must not contain CR, LF or NUL. */
  id?: string | undefined;
  /** Event type; the client dispatches `message` when absent. Must not contain CR, LF or NUL. */
  event?: string | undefined;
  /** Payload. Any string; line breaks (CRLF, CR, LF) become separate `data:` lines and reach the client as LF. */
  data: string;
  /** Reconnection time hint in milliseconds (a non-negative integer). */
  retry?: number | undefined;
}

const FORBIDDEN = /[\r\n\0]/;
const LINE_BREAK = /\r\n|\r|\n/;

function checkField(name: 'id' | 'event', value: string): void {
  if (FORBIDDEN.test(value)) {
    throw new SseError(
      'invalid_field',
      `SSE field "${name}" must not contain CR, LF or NUL (got ${JSON.stringify(value)})`,
    );
  }
}

function checkRetry(retry: number): void {
  if (!Number.isSafeInteger(retry) || retry < 0) {
    throw new SseError('invalid_field', `SSE field "retry" must be a non-negative integer (got ${retry})`);
  }
}

/** Serializes an event to its event-stream text, ending with the blank line that dispatches it. */
export function formatEvent(fields: SseEventFields): string {
  let out = '';
  if (fields.id !== undefined) {
    checkField('id', fields.id);
    out += `id: ${fields.id}\n`;
  }
  if (fields.event !== undefined) {
    checkField('event', fields.event);
    out += `event: ${fields.event}\n`;
  }
  if (fields.retry !== undefined) {
    checkRetry(fields.retry);
    out += `retry: ${fields.retry}\n`;
  }
  const data = fields.data;
  // Fast path: most payloads are single-line JSON.
  if (!LINE_BREAK.test(data)) {
    out += `data: ${data}\n`;
  } else {
    for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

/** Serializes a comment (ignored by clients; used for keep-alive). Multi-line text becomes several comment lines. */
export function formatComment(text = ''): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += line === '' ? ':\n' : `: ${line}\n`;
  return `${out}\n`;
}

/** Serializes a lone `retry:` field (no event is dispatched). */
export function formatRetry(retryMs: number): string {
  checkRetry(retryMs);
  return `retry: ${retryMs}\n\n`;
}

const encoder = new TextEncoder();
// On Node, frames are Buffers (a Uint8Array subclass): sockets take them without a per-write conversion.
const NodeBuffer = (globalThis as { Buffer?: { from(s: string, e: 'utf8'): Uint8Array } }).Buffer;

/** UTF-8 bytes of a frame string. */
export function encodeFrame(text: string): Uint8Array {
  return NodeBuffer ? NodeBuffer.from(text, 'utf8') : encoder.encode(text);
}

const NodeConcat = (globalThis as { Buffer?: { concat(list: readonly Uint8Array[], total: number): Uint8Array } })
  .Buffer;

/** Joins frames into one chunk of `total` bytes (a Buffer on Node). */
export function concatFrames(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (NodeConcat) return NodeConcat.concat(parts, total);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** The parts and the chunk of the last {@link joinFrames} that concatenated. */
let lastParts: readonly Uint8Array[] = [];
let lastChunk: Uint8Array | undefined;

/**
 * {@link concatFrames}, sharing the chunk of the previous call when `parts` holds the very same
 * frames (compared by identity, so the bytes are the same): a fan-out queues the same frames to
 * most connections, and they then share one chunk per loop turn instead of one copy each. Chunks
 * are never written to after they are made, so sharing one between sockets is safe; the cache
 * holds one chunk at most.
 */
export function joinFrames(parts: readonly Uint8Array[], total: number): Uint8Array {
  const n = parts.length;
  if (n === lastParts.length && lastChunk !== undefined) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (parts[i] !== lastParts[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastChunk;
  }
  lastParts = parts;
  lastChunk = concatFrames(parts, total);
  return lastChunk;
}

const ID_PREFIX = [0x69, 0x64, 0x3a, 0x20]; // "id: "
const utf8 = new TextDecoder();

/** The `id` of an encoded event frame that starts with its `id:` line (as the hub's frames do); `undefined` otherwise. */
export function frameId(frame: Uint8Array): string | undefined {
  for (let i = 0; i < ID_PREFIX.length; i++) if (frame[i] !== ID_PREFIX[i]) return undefined;
  const end = frame.indexOf(0x0a, ID_PREFIX.length);
  return end < 0 ? undefined : utf8.decode(frame.subarray(ID_PREFIX.length, end));
}
