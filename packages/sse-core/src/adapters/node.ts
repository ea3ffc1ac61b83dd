import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { LAST_EVENT_ID_PARAM, resolveLastEventId, SSE_HEADERS } from '../headers.js';
import type { Hub } from '../hub.js';
import type { SseSink } from '../sink.js';
import type { SubscribeOptions } from '../subscribeOptions.js';
import type { Subscriber } from '../subscriber.js';
import { logAdapterError, refusal } from './refusal.js';

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
  /** Receives unexpected errors (answered with `500`); rejected options are not errors. Default: stderr. */
  onError?: (error: unknown) => void;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/**
 * Serves an SSE stream from `hub` on a `node:http` (or `node:http2` compatibility) response.
 * Resumes after the `Last-Event-ID` header or the `lastEventId` query parameter unless `options.lastEventId`
 * is given. Never throws: it returns the subscriber, or `undefined` after answering `400` (an option
 * the hub rejects, such as an unknown `format` from a query string; the body says what to fix), `503`
 * (connection cap, closed hub; with `Retry-After`) or `500` (anything unexpected, given to `onError`).
 * The subscriber is closed, and its queue freed, when the client disconnects.
 */
export function handleSseRequest(
  hub: Hub,
  req: AnyRequest,
  res: AnyResponse,
  options: NodeSseOptions = {},
): Subscriber | undefined {
  const response = res as ServerResponse;
  const headers = { ...SSE_HEADERS, ...options.headers };
  let subscriber: Subscriber;
  try {
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
    // setHeader, not writeHead: nothing is sent until the subscriber's first write, so a refusal can still answer.
    if (req.httpVersionMajor === 1 && options.chunked !== true) response.useChunkedEncodingByDefault = false;
    response.statusCode = 200;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    subscriber = hub.subscribe(sink, { ...options, lastEventId });
  } catch (error) {
    const answer = refusal(error, options.onError ?? logAdapterError);
    if (response.headersSent) response.destroy();
    else {
      for (const name of Object.keys(headers)) response.removeHeader(name);
      const length = String(Buffer.byteLength(answer.body));
      response.writeHead(answer.status, { ...answer.headers, 'Content-Length': length }).end(answer.body);
    }
    return undefined;
  }
  response.on('drain', () => subscriber.drain());
  response.on('close', () => subscriber.close('client'));
  // The peer may be gone already, in which case 'close' has fired before we listened.
  if (response.destroyed || req.socket?.destroyed) subscriber.close('client');
  return subscriber;
}
