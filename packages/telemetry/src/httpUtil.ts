import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body read within its limit, or why not (status and message for the client). */
export type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; message: string };

const JSON_TYPES = /^(?:application\/json|text\/plain)\s*(?:;|$)/i;

/**
 * Reads a JSON body (`application/json`, or `text/plain` as `navigator.sendBeacon` sends it), counting
 * bytes as they arrive: 415, 413 past `maxBytes`, 400 for bad UTF-8, bad JSON or nesting past `maxDepth`.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number, maxDepth: number): Promise<BodyResult> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPES.test(type)) {
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `content-type must be application/json or text/plain (got ${JSON.stringify(type)})`,
    });
  }
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.resolve(tooLarge(maxBytes));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(tooLarge(maxBytes));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish({ ok: false, status: 400, message: 'the request body could not be read' }));
    req.on('end', () => finish(parse(Buffer.concat(chunks), maxDepth)));
  });
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, status: 413, message: `the body is larger than ${maxBytes} bytes` };
}

function parse(body: Buffer, maxDepth: number): BodyResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, message: `the body is not JSON: ${(error as Error).message}` };
  }
  if (deeperThan(value, maxDepth))
    return { ok: false, status: 400, message: `JSON nested deeper than ${maxDepth} levels` };
  return { ok: true, value };
}

/** Iterative nesting check (no recursion, so no stack overflow on hostile input). */
export function deeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Sends a JSON body; errors go as `{ error: message }`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Sends `{ error: message }` with a 4xx status; a 413 also closes the connection (the rest is not read). */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: message }, status === 413 ? { connection: 'close', ...headers } : headers);
}
