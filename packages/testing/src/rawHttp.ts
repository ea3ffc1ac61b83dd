import { connect } from 'node:net';
import { withTimeout } from './wait.js';

/** A response read off a raw socket. */
export interface RawResponse {
  /** The status code of the first status line (`NaN` when there was none). */
  status: number;
  /** The head's header fields, names lower-cased (the last of repeated ones). */
  headers: Record<string, string>;
  /** Everything after the head, decoded with {@link SendRawOptions.encoding}. */
  body: string;
  /** All bytes received, as latin1 text (one character per byte). */
  raw: string;
}

/** Options of {@link sendRaw}. */
export interface SendRawOptions {
  /** Bound on the server closing the connection, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** How the body is decoded. Default `utf8`. */
  encoding?: BufferEncoding;
  /** Resolve (and close) as soon as the bytes received, as latin1, include this: for streams that stay open. Default: wait for the close. */
  until?: string;
}

/**
 * Sends `bytes` as they are (malformed requests included) to 127.0.0.1:`port` and resolves with
 * the response once the server closes the connection (send `Connection: close`), or once `until`
 * arrives; rejects after `timeoutMs`. The socket is destroyed either way.
 */
export function sendRaw(port: number, bytes: string | Buffer, options: SendRawOptions = {}): Promise<RawResponse> {
  const { timeoutMs = 10_000, encoding = 'utf8', until } = options;
  const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
  const chunks: Buffer[] = [];
  const received = new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (until !== undefined && Buffer.concat(chunks).toString('latin1').includes(until))
        resolve(Buffer.concat(chunks));
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  const what = () =>
    `${until === undefined ? 'a complete response' : JSON.stringify(until)} in the response to ${JSON.stringify(String(bytes).slice(0, 60))} (got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))})`;
  return withTimeout(received, timeoutMs, what)
    .finally(() => socket.destroy())
    .then((data) => {
      const split = data.indexOf('\r\n\r\n');
      const head = data.subarray(0, split === -1 ? data.length : split).toString('latin1');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const body = split === -1 ? '' : data.subarray(split + 4).toString(encoding);
      return { status: Number(statusLine.split(' ')[1]), headers, body, raw: data.toString('latin1') };
    });
}
