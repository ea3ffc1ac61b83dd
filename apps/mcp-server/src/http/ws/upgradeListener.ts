import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../server/logger.js';
import type { AppEnv } from '../appEnv.js';

/** The path WebSockets connect to. */
export const WS_PATH = '/ws';

/** Set on the app's answer when the `/ws` route took the socket over (the handshake is under way). */
export const UPGRADED_HEADER = 'x-webstream-upgraded';

type AppFetch = (request: Request, env: AppEnv['Bindings']) => Response | Promise<Response>;

/** Writes an HTTP answer on a socket that Node handed over for an upgrade, then ends it. */
async function answerRaw(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n`;
  for (const [name, value] of response.headers) if (name !== 'content-length') head += `${name}: ${value}\r\n`;
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  if (!socket.destroyed) socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

const jsonAnswer = (status: number, error: string) =>
  new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });

/** The request the app sees for an upgrade (no body); undefined if its URL or headers cannot make one. */
function requestOf(req: IncomingMessage): Request | undefined {
  try {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    return new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
      method: req.method ?? 'GET',
      headers,
    });
  } catch {
    return undefined;
  }
}

/**
 * The node:http `upgrade` listener: an upgrade to `/ws` goes through the app like any request
 * (Host check, Origin check, credentials, caps: the route completes the handshake itself); any
 * other path, or a request the app cannot build, is answered with a JSON 4xx on the raw socket.
 */
export function createUpgradeListener(fetch: AppFetch, logger: Logger) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (!req.headers.host) {
      void answerRaw(socket, jsonAnswer(400, 'the request has no Host header; send Host: <host>:<port>'));
      return;
    }
    const request = requestOf(req);
    if (!request) {
      void answerRaw(socket, jsonAnswer(400, 'the request URL or a header is malformed'));
      return;
    }
    if (new URL(request.url).pathname !== WS_PATH) {
      void answerRaw(
        socket,
        jsonAnswer(404, `no WebSocket at ${new URL(request.url).pathname}; connect to ${WS_PATH}`),
      );
      return;
    }
    Promise.resolve(fetch(request, { incoming: req, upgrade: { socket, head } }))
      .then((response) => (response.headers.has(UPGRADED_HEADER) ? undefined : answerRaw(socket, response)))
      .catch((error: unknown) => {
        logger.error('upgrade failed', { path: req.url, error: String(error) });
        return answerRaw(socket, jsonAnswer(500, 'internal error')).catch(() => socket.destroy());
      });
  };
}
