import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Connection, SinkConnection } from '../connection.js';
import { SSE_HEADERS } from '../headers.js';
import type { Hub } from '../hub.js';
import { attachConnection, NodeSink } from './nodeSink.js';
import { logAdapterError, refusal } from './refusal.js';
import { type AdapterOptions, requestSubscribeOptions } from './requestOptions.js';

/** Options of {@link handleSseRequest}. */
export interface NodeSseOptions extends AdapterOptions {
  /**
   * HTTP/1.1 body framing. `false`: the body ends when the connection closes (RFC 9112 §6.3),
   * so each flush is one socket write instead of chunked encoding's four (size, CRLF, data, CRLF).
   * Node then sends `Connection: close`, which costs nothing for a stream that lives until the close.
   * Set `true` if something in front of the server insists on chunked responses. Ignored for HTTP/2.
   * @default false
   */
  chunked?: boolean;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/**
 * Serves an SSE stream from `hub` on a `node:http` (or `node:http2` compatibility) response.
 *
 * Returns the {@link Connection}, or `undefined` when it answered instead: `400` for an option the
 * hub rejects or (with `query: true`) a bad query parameter, the body saying what to fix; `503`
 * with `Retry-After` at the connection cap or once the hub is closed; `500` for anything
 * unexpected (given to `onError`). Never throws. Resumes after `options.lastEventId`, else the
 * `Last-Event-ID` header, else the `lastEventId` query parameter. The connection is closed, and its
 * queue freed, when the client disconnects.
 */
export function handleSseRequest(
  hub: Hub,
  req: AnyRequest,
  res: AnyResponse,
  options: NodeSseOptions = {},
): Connection | undefined {
  const response = res as ServerResponse;
  const headers = { ...SSE_HEADERS, ...options.headers };
  let connection: SinkConnection;
  try {
    const header = req.headers['last-event-id'];
    const subscribe = requestSubscribeOptions(options, req.url ?? '/', Array.isArray(header) ? header[0] : header);
    const direct = req.httpVersionMajor === 1 && options.chunked !== true;
    if (direct) response.useChunkedEncodingByDefault = false;
    // The sink writes the head with the hub's first write, so a refused subscribe can still answer.
    connection = hub.subscribe(new NodeSink(response, headers, direct), subscribe);
  } catch (error) {
    const answer = refusal(error, options.onError ?? logAdapterError);
    if (response.headersSent) response.destroy();
    else {
      const length = String(Buffer.byteLength(answer.body));
      response.writeHead(answer.status, { ...answer.headers, 'Content-Length': length }).end(answer.body);
    }
    return undefined;
  }
  attachConnection(response, connection);
  // The peer may be gone already, in which case 'close' has fired before we listened.
  if (response.destroyed || req.socket?.destroyed) connection.close('client');
  return connection;
}
