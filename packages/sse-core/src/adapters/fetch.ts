import type { Connection, SinkConnection } from '../connection.js';
import { SSE_HEADERS } from '../headers.js';
import type { Hub } from '../hub.js';
import type { SseSink } from '../sink.js';
import { logAdapterError, refusal } from './refusal.js';
import { type AdapterOptions, requestSubscribeOptions } from './requestOptions.js';

/** Bytes the response stream buffers before it reports backpressure: 64 KiB. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 64 * 1024;

/** Options of {@link createSseResponse}. */
export interface SseResponseOptions extends AdapterOptions {
  /** Stream high-water mark in bytes. @default 65536 (64 KiB, {@link DEFAULT_STREAM_HIGH_WATER_MARK}) */
  highWaterMark?: number;
}

/** What {@link createSseResponse} returns. */
export interface SseResponse {
  /** The response to return from the handler: the stream, or the refusal. */
  readonly response: Response;
  /** The open connection; `undefined` when `response` is a refusal. */
  readonly connection: Connection | undefined;
}

/**
 * Answers a Fetch `Request` with an SSE `Response` fed by `hub` (usable from Hono, Deno, Bun, workers).
 *
 * Returns the response and the {@link Connection}, or a refusal and `undefined`: `400` for an
 * option the hub rejects or (with `query: true`) a bad query parameter, the body saying what to
 * fix; `503` with `Retry-After` at the connection cap or once the hub is closed; `500` for
 * anything unexpected (given to `onError`). Never throws. Resumes after `options.lastEventId`, else
 * the `Last-Event-ID` header, else the `lastEventId` query parameter. The connection is closed when
 * the client cancels the stream or the request is aborted.
 */
export function createSseResponse(hub: Hub, request: Request, options: SseResponseOptions = {}): SseResponse {
  const hwm = options.highWaterMark ?? DEFAULT_STREAM_HIGH_WATER_MARK;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let connection: SinkConnection | undefined;
  let ended = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        connection?.drain();
      },
      cancel() {
        ended = true;
        connection?.close('client');
      },
    },
    { highWaterMark: hwm, size: (chunk) => chunk.byteLength },
  );
  const sink: SseSink = {
    write(chunk) {
      if (ended) return false;
      controller.enqueue(chunk);
      return (controller.desiredSize ?? 0) > 0;
    },
    bufferedBytes: () => (ended ? 0 : hwm - (controller.desiredSize ?? hwm)),
    close() {
      if (ended) return;
      ended = true;
      controller.close();
    },
  };
  try {
    const subscribe = requestSubscribeOptions(options, request.url, request.headers.get('last-event-id'));
    connection = hub.subscribe(sink, subscribe);
  } catch (error) {
    const answer = refusal(error, options.onError ?? logAdapterError);
    return {
      response: new Response(answer.body, { status: answer.status, headers: answer.headers }),
      connection: undefined,
    };
  }
  const attached = connection;
  if (request.signal?.aborted) attached.close('client');
  else request.signal?.addEventListener('abort', () => attached.close('client'), { once: true });
  const response = new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
  return { response, connection: attached };
}
