import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SinkConnection } from '../connection.js';
import type { SseSink } from '../sink.js';

/** Where a response carries the connection it serves, for the listeners below. */
const CONNECTION = Symbol('sse-core.connection');

/** A response that serves a connection (see {@link attachConnection}). */
type TaggedResponse = ServerResponse & { [CONNECTION]?: SinkConnection };

/** What the sink reads of a `node:http` socket besides the public `Socket` API: the response it serves. */
type HttpSocket = Socket & { _httpMessage?: TaggedResponse | null };

// Listeners shared by every connection: each finds its connection through the emitter (`this`), so an
// idle connection holds no closure of its own for them.
function drainResponse(this: TaggedResponse): void {
  this[CONNECTION]?.drain();
}
function drainSocket(this: HttpSocket): void {
  this._httpMessage?.[CONNECTION]?.drain();
}
function closeResponse(this: TaggedResponse): void {
  this[CONNECTION]?.close('client');
}

/**
 * Ties `response` to the connection it serves: its `drain` (or, once direct, its socket's) resumes
 * the connection, and its `close` closes it (`client`).
 */
export function attachConnection(response: ServerResponse, connection: SinkConnection): void {
  (response as TaggedResponse)[CONNECTION] = connection;
  response.on('close', closeResponse);
}

/**
 * The sink of one `node:http` (or `node:http2` compatibility) response.
 *
 * The head is written with the first chunk (`writeHead` then, not `setHeader` before: nothing is
 * sent, and nothing kept per connection, until the hub writes, so a refused subscribe can still
 * answer 400/503). With a close-delimited HTTP/1.x body (`direct`), every later chunk goes straight
 * to the socket: the bytes on the wire are the same (no chunked framing to add), but each write
 * skips `ServerResponse.write`'s cork, `nextTick` uncork and `writev` round, which cost more than the
 * frame itself when a hub writes to thousands of connections per loop turn.
 */
export class NodeSink implements SseSink {
  readonly #response: ServerResponse;
  /** Until the head is written; then dropped, so an idle connection does not keep it. */
  #headers: OutgoingHttpHeaders | undefined;
  readonly #direct: boolean;
  #socket: Socket | null = null;
  /** Whether the response's `drain` is listened to (only while writing through the response). */
  #listening = false;

  /**
   * @param direct whether the body is close-delimited HTTP/1.x, so it may bypass the response once the head is out.
   * A refused write is retried on the response's (once direct, the socket's) `drain`, which reaches
   * the connection {@link attachConnection} tied to the response.
   */
  constructor(response: ServerResponse, headers: OutgoingHttpHeaders, direct: boolean) {
    this.#response = response;
    this.#headers = headers;
    this.#direct = direct;
  }

  write(chunk: Uint8Array): boolean {
    const socket = this.#socket;
    return socket !== null ? socket.write(chunk) : this.#writeResponse(chunk);
  }

  #writeResponse(chunk: Uint8Array): boolean {
    const response = this.#response;
    if (this.#headers !== undefined) {
      if (!response.headersSent) response.writeHead(200, this.#headers);
      this.#headers = undefined;
    }
    const ok = response.write(chunk);
    const socket = response.socket as HttpSocket | null;
    // Only once the head is in the socket's own buffer (the response owns the socket: not a
    // pipelined response still waiting for its turn), so every later byte follows it in order.
    if (this.#direct && socket && socket._httpMessage === response && !socket.destroyed) {
      this.#socket = socket;
      // The socket drains after the response's own refused write too (it has no buffer of its own then).
      socket.on('drain', drainSocket);
    } else if (!this.#listening) {
      this.#listening = true;
      response.on('drain', drainResponse);
    }
    return ok;
  }

  bufferedBytes(): number {
    return this.#socket !== null ? this.#socket.writableLength : this.#response.writableLength;
  }

  close(): void {
    if (!this.#response.writableEnded) this.#response.end();
  }
}
