import { type IncomingMessage, maxHeaderSize, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError } from '@hono/node-server';
import type { Logger } from './logger.js';

/** How long a socket answered at the protocol level may keep sending before it is closed, in ms. */
export const PROTOCOL_ERROR_LINGER_MS = 1000;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
};

/** What Node's HTTP parser reports, as a status and a line saying what to fix. */
function describe(error: NodeJS.ErrnoException & { reason?: string }): { status: number; text: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        text: `request line and headers are larger than ${maxHeaderSize} bytes; send a shorter URL or fewer/smaller headers (cookies?)`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, text: 'chunk extensions are too large; send the body without chunk extensions' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, text: 'the request took too long to arrive; send it again' };
    default:
      return {
        status: 400,
        text: `malformed HTTP request (${error.code ?? 'parse error'}${error.reason ? `: ${error.reason}` : ''}); send a valid HTTP/1.1 request`,
      };
  }
}

/** A complete HTTP/1.1 response with a plain-text body, for writing straight to a socket. */
export function plainResponse(status: number, text: string, headers: Record<string, string> = {}): string {
  const body = `${text}\n`;
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `${extra.join('')}Connection: close\r\n\r\n${body}`
  );
}

const answered = new WeakSet<Duplex>();

/** Writes `response` and closes the socket; it may keep sending for a moment, so the client reads the answer. */
function answer(socket: Duplex, response: string | undefined): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (response === undefined) {
    socket.destroy();
    return;
  }
  socket.end(response);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), PROTOCOL_ERROR_LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Gives the answers Node's HTTP server writes by itself a text body saying what went wrong: malformed
 * request lines and headers (400), oversized headers (431), slow requests (408), an `Expect` other than
 * `100-continue` (417), and `CONNECT` (405; this is not a proxy). A response is written only if the socket is writable and no response has started on it.
 */
export function answerProtocolErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    const canWrite = socket.writable && !inFlight?.headersSent;
    if (error.code === 'ECONNRESET' || !canWrite) return answer(socket, undefined);
    const { status, text } = describe(error);
    answer(socket, plainResponse(status, text));
  });
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(417, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    response.end('only "Expect: 100-continue" is supported; send the request without this Expect header\n');
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    answer(
      socket,
      plainResponse(405, 'CONNECT is not supported: webstream is not a proxy', {
        Allow: 'GET, HEAD, POST, DELETE, OPTIONS',
      }),
    );
  });
}

/**
 * The answer for a request @hono/node-server cannot turn into a Fetch `Request` (missing or invalid Host,
 * a backslash in the path, an absolute-form target it refuses): a JSON 400 saying so. Anything else is a
 * server fault: logged, and a JSON 500.
 */
export function requestErrorHandler(logger: Logger): (error: unknown) => Response {
  return (error) => {
    if (error instanceof RequestError) {
      return Response.json(
        { error: `bad request: ${error.message}; send a valid Host header and an origin-form path` },
        { status: 400 },
      );
    }
    logger.error('request failed before routing', { error: String(error) });
    return Response.json({ error: 'internal error' }, { status: 500 });
  };
}
