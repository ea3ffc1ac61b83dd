import type { IncomingMessage } from 'node:http';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './jsonDepth.js';

/** What {@link readJsonBody} gives: the parsed body, or the 4xx to answer and why. */
export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string };

/** Options of {@link readJsonBody}. */
export interface JsonBodyOptions {
  /** Largest body in bytes, counted as it arrives (chunked bodies too). */
  maxBytes: number;
  /** Whether an empty body is refused (`true`) or read as `undefined` (`false`). Default true. */
  required?: boolean;
  /** A sample body for the "body is required" message. Default `{"message": "..."}`. */
  example?: string;
  /** Deepest object/array nesting below the top level. Default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
  /**
   * On Node, the request's `IncomingMessage`: read directly (faster than its Fetch stream). Nothing else
   * may have read the body. Default: read `request.body`.
   */
  incoming?: IncomingMessage | undefined;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The 415 answer if the request does not declare a JSON body, else undefined. */
export function checkJsonContentType(request: Request): { status: 415; error: string } | undefined {
  const type = request.headers.get('content-type') ?? '';
  if (JSON_TYPE.test(type)) return undefined;
  return { status: 415, error: `Content-Type must be application/json (got ${type ? JSON.stringify(type) : 'none'})` };
}

/**
 * Reads a JSON request body as it arrives (from the `IncomingMessage` on Node, else the Fetch stream),
 * so `Content-Length` and chunked bodies take the same path, counting bytes: past `maxBytes` it stops
 * reading and answers 413 (@hono/node-server drains the rest briefly, then closes the connection).
 * Then: empty → 400 (when required), not UTF-8 → 400, not JSON → 400, nested deeper than `maxDepth` →
 * 400. Never throws.
 */
export async function readJsonBody(request: Request, options: JsonBodyOptions): Promise<JsonBodyResult> {
  const unsupported = checkJsonContentType(request);
  if (unsupported) return { ok: false, ...unsupported };
  const tooLarge = {
    ok: false,
    status: 413,
    error: `request body is larger than ${options.maxBytes} bytes (raise --max-body-bytes)`,
  } as const;
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding') && Number(declared) > options.maxBytes) {
    return tooLarge;
  }
  const read = options.incoming
    ? await readIncoming(options.incoming, options.maxBytes)
    : await readStream(request, options.maxBytes);
  if (read === 'too-large') return tooLarge;
  if (read instanceof Error)
    return { ok: false, status: 400, error: `request body could not be read: ${read.message}` };
  let text: string;
  try {
    text = utf8.decode(read);
  } catch {
    return { ok: false, status: 400, error: 'body is not valid UTF-8: send JSON encoded as UTF-8' };
  }
  if (text.trim() === '') {
    if (options.required === false) return { ok: true, value: undefined };
    const example = options.example ?? '{"message": "..."}';
    return { ok: false, status: 400, error: `body is required: send a JSON object such as ${example}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, error: `body is not valid JSON: ${(error as Error).message}` };
  }
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  // The body's own top-level object is one level; what it carries (such as "data") may nest maxDepth more.
  if (exceedsJsonDepth(value, maxDepth + 1)) {
    return {
      ok: false,
      status: 400,
      error: `body nests objects/arrays more than ${maxDepth} levels deep below the top level (the limit is ${maxDepth}); flatten "data"`,
    };
  }
  return { ok: true, value };
}

type ReadResult = Uint8Array | 'too-large' | Error;

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The body's bytes, `'too-large'` past `maxBytes`, or the read error (the client went away mid-body). */
async function readStream(request: Request, maxBytes: number): Promise<ReadResult> {
  const body = request.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return concat(chunks, size);
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => undefined);
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** As {@link readStream}, from Node's request; past the limit it stops listening and leaves the rest unread. */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<ReadResult> {
  if (incoming.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (result: ReadResult) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        incoming.pause();
        finish('too-large');
      }
    };
    const onEnd = () => finish(concat(chunks, size));
    const onError = (error: Error) => finish(error);
    const onClose = () => {
      if (!incoming.readableEnded) finish(new Error('the connection closed before the body was complete'));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
