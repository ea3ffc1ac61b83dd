import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { SseError } from '../errors.js';
import { LAST_EVENT_ID_PARAM, resolveLastEventId, SSE_HEADERS } from '../headers.js';
import type { Hub, SubscribeOptions } from '../hub.js';
import type { SseSink } from '../sink.js';
import type { Subscriber } from '../subscriber.js';

/** Options of {@link handleSseRequest}. */
export interface NodeSseOptions extends SubscribeOptions {
  /** Extra response headers (for example CORS). */
  headers?: Record<string, string>;
  /**
   * HTTP/1.1 body framing. Default `false`: the body ends when the connection closes (RFC 9112 §6.3),
   * so each flush is one socket write instead of chunked encoding's four (size, CRLF, data, CRLF).
   * Node then sends `Connection: close`, which costs nothing for a stream that lives until the close.
   * Set `true` if something in front of the server insists on chunked responses. Ignored for HTTP/2.
   */
  chunked?: boolean;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/**
 * Serves an SSE stream from `hub` on a `node:http` (or `node:http2` compatibility) response.
 * Resumes after the `Last-Event-ID` header or the `lastEventId` query parameter unless `options.lastEventId`
 * is given. Returns the subscriber, or `undefined` after answering `503` at the connection cap.
 * The subscriber is closed, and its queue freed, when the client disconnects.
 */
export function handleSseRequest(
  hub: Hub,
  req: AnyRequest,
  res: AnyResponse,
  options: NodeSseOptions = {},
): Subscriber | undefined {
  const response = res as ServerResponse;
  const sink: SseSink = {
    write: (chunk) => response.write(chunk),
    bufferedBytes: () => response.writableLength,
    close: () => {
      if (!response.writableEnded) response.end();
    },
  };
  const header = req.headers['last-event-id'];
  const lastEventId =
    options.lastEventId ??
    resolveLastEventId(
      Array.isArray(header) ? header[0] : header,
      new URL(req.url ?? '/', 'http://localhost').searchParams.get(LAST_EVENT_ID_PARAM),
    );
  const headers = { ...SSE_HEADERS, ...options.headers };
  // setHeader, not writeHead: nothing is sent until the subscriber's first write, so a refusal can still answer 503.
  if (req.httpVersionMajor === 1 && options.chunked !== true) response.useChunkedEncodingByDefault = false;
  response.statusCode = 200;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  let subscriber: Subscriber;
  try {
    subscriber = hub.subscribe(sink, { ...options, lastEventId });
  } catch (error) {
    if (error instanceof SseError && error.code === 'too_many_connections') {
      response.statusCode = 503;
      for (const name of Object.keys(headers)) response.removeHeader(name);
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      response.setHeader('Retry-After', '5');
      response.end(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
  response.on('drain', () => subscriber.drain());
  response.on('close', () => subscriber.close('client'));
  return subscriber;
}
