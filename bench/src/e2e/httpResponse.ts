// A minimal HTTP/1.1 response parser for the benchmark's own client: status line and headers, then a
// body that is close-delimited, chunked or Content-Length sized. It hands body bytes on as slices of the
// buffer it was given (no copies), so it works with `net` sockets reading into one shared buffer.
// It is not a general parser: no 1xx responses, no trailers, no header folding.

/** Callbacks of {@link createResponseParser}. */
export interface ResponseHandlers {
  /** The status line and headers (names lower-cased) are complete. */
  onHead(status: number, headers: ReadonlyMap<string, string>): void;
  /** Body bytes `buf[start, end)`, valid only during the call. */
  onBody(buf: Buffer, start: number, end: number): void;
  /** A sized or chunked body is complete; the parser is ready for the next response on the connection. */
  onEnd?(): void;
  /** The response is malformed; the parser stops. */
  onError?(message: string): void;
}

/** Feeds socket bytes into a response parser. */
export interface ResponseParser {
  /** Parses `buf[start, end)`. */
  feed(buf: Buffer, start?: number, end?: number): void;
}

enum Mode {
  Head = 0,
  Close = 1,
  Length = 2,
  ChunkSize = 3,
  ChunkData = 4,
  ChunkCrlf = 5,
  Trailer = 6,
  Failed = 7,
}
const LF = 10;
const CR = 13;
const MAX_HEAD = 64 * 1024;

function parseHead(text: string): { status: number; headers: Map<string, string> } | null {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), headers };
}

/** Creates a parser for a sequence of responses on one connection. */
export function createResponseParser(handlers: ResponseHandlers): ResponseParser {
  let mode = Mode.Head;
  let head = '';
  let remaining = 0; // Length and ChunkData: body bytes left; ChunkCrlf: bytes of CRLF left
  let size = -1; // ChunkSize: hex value so far (-1: no digit yet)
  let inExtension = false;
  let lineEmpty = true; // Trailer: whether the current trailer line is empty so far

  const fail = (message: string) => {
    mode = Mode.Failed;
    handlers.onError?.(message);
  };
  const end = () => {
    mode = Mode.Head;
    handlers.onEnd?.();
  };

  /** Consumes header bytes; returns where the body starts, or `to` when the head is not complete. */
  const readHead = (buf: Buffer, from: number, to: number): number => {
    const before = head.length;
    head += buf.toString('latin1', from, to);
    const at = head.indexOf('\r\n\r\n', Math.max(0, before - 3));
    if (at === -1) {
      if (head.length > MAX_HEAD) fail('response head over 64 KiB');
      return to;
    }
    const parsed = parseHead(head.slice(0, at));
    const bodyStart = from + at + 4 - before;
    head = '';
    if (!parsed) {
      fail('no HTTP/1.x status line');
      return to;
    }
    const length = parsed.headers.get('content-length');
    if (/chunked/i.test(parsed.headers.get('transfer-encoding') ?? '')) {
      mode = Mode.ChunkSize;
      size = -1;
      inExtension = false;
    } else if (length !== undefined) {
      mode = Mode.Length;
      remaining = Number(length);
    } else mode = Mode.Close;
    handlers.onHead(parsed.status, parsed.headers);
    if (mode === Mode.Length && remaining === 0) end();
    return bodyStart;
  };

  /** Consumes a chunk-size line; returns the next unread index. */
  const readChunkSize = (buf: Buffer, from: number, to: number): number => {
    let i = from;
    for (; i < to; i++) {
      const c = buf[i] as number;
      if (c === LF) {
        if (size < 0) {
          fail('empty chunk size');
          return to;
        }
        if (size === 0) {
          mode = Mode.Trailer;
          lineEmpty = true;
        } else {
          mode = Mode.ChunkData;
          remaining = size;
        }
        return i + 1;
      }
      if (inExtension || c === CR) continue;
      if (c === 0x3b) {
        inExtension = true;
        continue;
      }
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 87 : -1;
      if (digit < 0) {
        fail(`bad chunk size byte 0x${c.toString(16)}`);
        return to;
      }
      size = (size < 0 ? 0 : size * 16) + digit;
    }
    return i;
  };

  const feed = (buf: Buffer, start = 0, stop = buf.length): void => {
    let i = start;
    while (i < stop) {
      switch (mode) {
        case Mode.Head:
          i = readHead(buf, i, stop);
          break;
        case Mode.Close:
          handlers.onBody(buf, i, stop);
          return;
        case Mode.Length:
        case Mode.ChunkData: {
          const take = Math.min(remaining, stop - i);
          handlers.onBody(buf, i, i + take);
          i += take;
          remaining -= take;
          if (remaining > 0) break;
          if (mode === Mode.Length) end();
          else {
            mode = Mode.ChunkCrlf;
            remaining = 2;
          }
          break;
        }
        case Mode.ChunkCrlf:
          // Tolerates a bare LF after the data, as lenient clients do.
          if (buf[i] === LF || remaining === 1) {
            mode = Mode.ChunkSize;
            size = -1;
            inExtension = false;
          } else remaining--;
          i++;
          break;
        case Mode.ChunkSize:
          i = readChunkSize(buf, i, stop);
          break;
        case Mode.Trailer: {
          const c = buf[i++] as number;
          if (c === LF) {
            if (lineEmpty) end();
            lineEmpty = true;
          } else if (c !== CR) lineEmpty = false;
          break;
        }
        default:
          return;
      }
    }
  };
  return { feed };
}
