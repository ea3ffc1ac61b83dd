import { SseError } from '../errors.js';
import { LAST_EVENT_ID_PARAM, resolveLastEventId, SSE_HEADERS } from '../headers.js';
import type { Hub, SubscribeOptions } from '../hub.js';
import type { SseSink } from '../sink.js';
import type { Subscriber } from '../subscriber.js';

/** Bytes the response stream buffers before it reports backpressure. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 64 * 1024;

/** Options of {@link createSseResponse}. */
export interface SseResponseOptions extends SubscribeOptions {
  /** Extra response headers (for example CORS). */
  headers?: Record<string, string>;
  /** Stream high-water mark in bytes. Default {@link DEFAULT_STREAM_HIGH_WATER_MARK}. */
  highWaterMark?: number;
  /** Called with the subscriber once attached. */
  onSubscribe?: (subscriber: Subscriber) => void;
}

/**
 * Answers a Fetch `Request` with an SSE `Response` fed by `hub` (usable from Hono, Deno, Bun, workers).
 * Resumes after the `Last-Event-ID` header or the `lastEventId` query parameter unless `options.lastEventId` is given.
 * At the connection cap it answers `503` with a `Retry-After` header and a message.
 */
export function createSseResponse(hub: Hub, request: Request, options: SseResponseOptions = {}): Response {
  const hwm = options.highWaterMark ?? DEFAULT_STREAM_HIGH_WATER_MARK;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let subscriber: Subscriber | undefined;
  let ended = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        subscriber?.drain();
      },
      cancel() {
        ended = true;
        subscriber?.close('client');
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
  const lastEventId =
    options.lastEventId ??
    resolveLastEventId(
      request.headers.get('last-event-id'),
      new URL(request.url).searchParams.get(LAST_EVENT_ID_PARAM),
    );
  try {
    subscriber = hub.subscribe(sink, { ...options, lastEventId });
  } catch (error) {
    if (error instanceof SseError && error.code === 'too_many_connections') {
      return new Response(`${error.message}\n`, {
        status: 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' },
      });
    }
    throw error;
  }
  request.signal?.addEventListener('abort', () => subscriber?.close('client'), { once: true });
  options.onSubscribe?.(subscriber);
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}
