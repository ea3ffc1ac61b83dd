import { connect } from 'node:net';

/** No complete answer within this many ms counts as a hang. */
export const HANG_MS = 5000;

/** An HTTP/1.1 request written byte for byte to a socket (so odd bytes, encodings and framing reach the server). */
export interface RawRequest {
  method: string;
  /** The request target as sent, e.g. `/stream?channel=%FF`. */
  path: string;
  /** Header lines in order; values are written as latin1 bytes. A `host` entry replaces the default Host. */
  headers?: [string, string][];
  /** A body sent with Content-Length. */
  body?: string | Uint8Array;
  /** A body sent with Transfer-Encoding: chunked, one chunk per entry. */
  chunks?: (string | Uint8Array)[];
  /** The whole request as bytes, sent as is (malformed framing); the fields above then only label it. */
  raw?: Uint8Array;
}

/** A parsed answer. Streams (`text/event-stream`) are read up to their first event and then closed. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a request came to: an answer, no answer in time, or a closed connection without an answer. */
export type Outcome =
  | { kind: 'response'; response: RawResponse; ms: number }
  | { kind: 'hang'; partial: string }
  | { kind: 'reset'; error: string };

const bytes = (v: string | Uint8Array) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));

/** The request's bytes. */
export function encodeRequest(req: RawRequest, hostHeader: string): Buffer {
  if (req.raw) return Buffer.from(req.raw);
  const headers = [...(req.headers ?? [])];
  if (!headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['Host', hostHeader]);
  headers.push(['Connection', 'close']);
  if (req.chunks) headers.push(['Transfer-Encoding', 'chunked']);
  else if (req.body !== undefined) headers.push(['Content-Length', String(bytes(req.body).length)]);
  const head = Buffer.from(
    `${req.method} ${req.path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`,
    'latin1',
  );
  const parts = [head];
  if (req.chunks) {
    for (const c of req.chunks) {
      const b = bytes(c);
      if (b.length === 0) continue;
      parts.push(Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
  } else if (req.body !== undefined) parts.push(bytes(req.body));
  return Buffer.concat(parts);
}

/**
 * Parses a complete response; undefined while more bytes are needed. `ended`: the peer closed.
 * `untilEnd`: read an event stream to its end (MCP POST answers end), not just its first frame.
 */
export function parseResponse(buf: Buffer, ended: boolean, untilEnd = false, head = false): RawResponse | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = buf.subarray(end + 4);
  if (head) return { status, headers, body: '' };
  if (!untilEnd && status === 200 && headers['content-type']?.startsWith('text/event-stream')) {
    // A stream never ends: its headers and first frame are the answer.
    return rest.includes('\n\n') || ended ? { status, headers, body: rest.toString('utf8') } : undefined;
  }
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body === undefined
      ? ended
        ? { status, headers, body: rest.toString('utf8') }
        : undefined
      : { status, headers, body };
  }
  const length = headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    if (rest.length < n && !ended) return undefined;
    return { status, headers, body: rest.subarray(0, n).toString('utf8') };
  }
  return ended || status === 204 || status === 304 ? { status, headers, body: rest.toString('utf8') } : undefined;
}

function dechunk(buf: Buffer): string | undefined {
  const out: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(out).toString('utf8');
    if (buf.length < eol + 2 + size + 2) return undefined;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return undefined;
}

/** Options of {@link send}. */
export interface SendOptions {
  /** Default {@link HANG_MS}. */
  hangMs?: number;
  /** Read event streams to their end. Default false (headers and first frame). */
  untilEnd?: boolean;
}

/** Sends `req` to 127.0.0.1:`port` on a fresh connection; never waits longer than `hangMs`. */
export function send(port: number, req: RawRequest, options: SendOptions = {}): Promise<Outcome> {
  const hangMs = options.hangMs ?? HANG_MS;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: 'hang', partial: buf.subarray(0, 200).toString('latin1') }), hangMs);
    const check = (ended: boolean) => {
      const response = parseResponse(buf, ended, options.untilEnd, req.method.toUpperCase() === 'HEAD');
      if (response) finish({ kind: 'response', response, ms: Date.now() - started });
      else if (ended)
        finish({
          kind: 'reset',
          error: buf.length
            ? `incomplete answer: ${buf.subarray(0, 120).toString('latin1')}`
            : 'closed without an answer',
        });
    };
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('close', () => check(true));
    // EPIPE/ECONNRESET while writing: the server may have answered early (413, 415) and closed; read what came.
    socket.on('error', (e) => (buf.length ? check(true) : finish({ kind: 'reset', error: e.message })));
    socket.write(encodeRequest(req, `127.0.0.1:${port}`));
  });
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `printf` escapes for arbitrary bytes (NUL included). */
function printfBytes(b: Buffer): string {
  let out = '';
  for (const byte of b) {
    const ch = String.fromCharCode(byte);
    out +=
      byte >= 0x20 && byte < 0x7f && ch !== '\\' && ch !== "'" && ch !== '%'
        ? ch
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `'${out}'`;
}

/** A shell command that sends the same request with curl (ANSI-C quoting for header bytes). */
export function toCurl(req: RawRequest, base = 'http://127.0.0.1:8000'): string {
  if (req.raw) {
    // Raw bytes go through a socket as they are (node is at hand wherever this repo is).
    const bytes = Buffer.from(req.raw);
    const shown = bytes.length > 4096 ? bytes.subarray(0, 256) : bytes;
    const cut = bytes.length > 4096 ? `  # request cut: ${bytes.length} bytes in all` : '';
    const { hostname, port } = new URL(base);
    const sock = `node -e "const s=require('net').connect(${port},'${hostname}');process.stdin.pipe(s);s.pipe(process.stdout)"`;
    return `printf ${printfBytes(shown)} | ${sock}${cut}`;
  }
  const headerArg = ([k, v]: [string, string]) => {
    if (v === '') return `-H ${shellQuote(`${k};`)}`; // curl's spelling of an empty header
    const printable = /^[\x20-\x7e]*$/.test(v) && !v.includes("'");
    return `-H ${printable ? shellQuote(`${k}: ${v}`) : `$'${k}: ${[...Buffer.from(v, 'latin1')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}'`}`;
  };
  const headers = (req.headers ?? []).map(headerArg);
  const url = shellQuote(`${base}${req.path}`);
  const body = req.chunks ? Buffer.concat(req.chunks.map(bytes)) : req.body === undefined ? undefined : bytes(req.body);
  const cmd = ['curl -sS -i --path-as-is', `-X ${req.method}`, ...headers];
  if (req.chunks) cmd.push(`-H 'Transfer-Encoding: chunked'`);
  if (body === undefined) return [...cmd, url].join(' ');
  if (body.length > 8192) {
    // Too long to paste: the first bytes and the size say what it was (shrunk counterexamples are short).
    return `printf ${printfBytes(body.subarray(0, 256))} | ${[...cmd, '--data-binary @-', url].join(' ')}  # body cut: ${body.length} bytes in all`;
  }
  return `printf ${printfBytes(body)} | ${[...cmd, '--data-binary @-', url].join(' ')}`;
}
