import { LAST_EVENT_ID_PARAM, resolveLastEventId, SSE_HEADERS } from '../headers.js';
import type { Hub } from '../hub.js';
import type { SseSink } from '../sink.js';
import type { SubscribeOptions } from '../subscribeOptions.js';
import type { Subscriber } from '../subscriber.js';
import { logAdapterError, refusal } from './refusal.js';

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
  /** Receives unexpected errors (answered with `500`); rejected options are not errors. Default: stderr. */
  onError?: (error: unknown) => void;
}

/**
 * Answers a Fetch `Request` with an SSE `Response` fed by `hub` (usable from Hono, Deno, Bun, workers).
 * Resumes after the `Last-Event-ID` header or the `lastEventId` query parameter unless `options.lastEventId` is given.
 * Never throws: an option the hub rejects (such as an unknown `format` from a query string) is answered
 * with `400` and a message saying what to fix; the connection cap or a closed hub with `503` and
 * `Retry-After`; anything unexpected with `500` (given to `onError`).
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
  try {
    const lastEventId =
      options.lastEventId ??
      resolveLastEventId(
        request.headers.get('last-event-id'),
        new URL(request.url).searchParams.get(LAST_EVENT_ID_PARAM),
      );
    subscriber = hub.subscribe(sink, { ...options, lastEventId });
  } catch (error) {
    const answer = refusal(error, options.onError ?? logAdapterError);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
  const attached = subscriber;
  if (request.signal?.aborted) attached.close('client');
  else request.signal?.addEventListener('abort', () => attached.close('client'), { once: true });
  options.onSubscribe?.(attached);
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}
