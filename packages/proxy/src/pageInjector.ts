import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { addNonceToCsp } from './csp.js';
import { type HeaderPairs, removeHeaders, setHeader } from './headerList.js';
import { injectIntoHtml } from './htmlInject.js';
import type { InjectionOutcome } from './requestRecord.js';

/** Default most bytes of a page buffered for injection (compressed and decoded alike): 5 MiB. */
export const DEFAULT_MAX_INJECT_BYTES = 5 * 1024 * 1024;

/** What `inject.html` is told besides the nonce. */
export interface InjectContext {
  /** The record id of this page load (also its `x-webstream-request-id`). */
  readonly requestId: string;
  /** Path and query of the page. */
  readonly url: string;
  readonly processId: string | null;
}

/** The `inject` option of `createDevProxy`. */
export interface InjectOptions {
  /**
   * Returns the HTML to insert into each page (typically one `<script nonce="${nonce}">`). `nonce` is
   * fresh per response and is allowed by the page's CSP (see the README). If it throws, the page is sent
   * unchanged and the record says why.
   */
  html: (nonce: string, context: InjectContext) => string;
}

/** The outcome of buffering a page for injection. */
export type PreparedPage =
  /** Send `headers` and `body` (identity encoding, right `Content-Length`). */
  | {
      readonly kind: 'injected';
      readonly headers: HeaderPairs;
      readonly body: Buffer;
      readonly outcome: InjectionOutcome;
    }
  /** Send the original headers, then `head` (raw bytes already read), then the rest of the response. */
  | { readonly kind: 'passthrough'; readonly head: Buffer[]; readonly outcome: InjectionOutcome }
  /** The target broke off the response before its end. */
  | { readonly kind: 'aborted'; readonly error: Error };

const DECODABLE = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br']);
const PAGE_DESTINATIONS = new Set(['document', 'iframe', 'frame']);
const CSP_HEADERS = ['content-security-policy', 'content-security-policy-report-only'];

/**
 * Whether a response is a page to inject into: null when injection does not apply (not `text/html`),
 * an outcome with the reason when it is skipped, `'try'` when the body should be buffered.
 */
export function planInjection(
  req: IncomingMessage,
  proxyRes: IncomingMessage,
  maxInjectBytes: number,
): InjectionOutcome | 'try' | null {
  const type = proxyRes.headers['content-type'] ?? '';
  if (type.split(';')[0]?.trim().toLowerCase() !== 'text/html') return null;
  const skip = (reason: string): InjectionOutcome => ({ injected: false, reason });
  if (req.method === 'HEAD') return skip('HEAD request');
  const status = proxyRes.statusCode ?? 0;
  if (status !== 200 && status < 400) return skip(`status ${status}`);
  const dest = req.headers['sec-fetch-dest'];
  if (dest && !PAGE_DESTINATIONS.has(dest)) return skip(`not a page load (sec-fetch-dest: ${dest})`);
  const encoding = encodingOf(proxyRes);
  if (!DECODABLE.has(encoding)) return skip(`content-encoding ${encoding} is not decoded`);
  if (/charset\s*=\s*"?utf-16/i.test(type)) return skip('UTF-16 page');
  const length = Number(proxyRes.headers['content-length']);
  if (length > maxInjectBytes) return skip(`larger than maxInjectBytes (${length} > ${maxInjectBytes})`);
  return 'try';
}

/** Reads a page (at most `maxInjectBytes`), decodes it and inserts the snippet; see {@link PreparedPage}. */
export async function preparePage(options: {
  proxyRes: IncomingMessage;
  headers: HeaderPairs;
  maxInjectBytes: number;
  html: (nonce: string) => string;
  scriptSource: string | null;
}): Promise<PreparedPage> {
  const { proxyRes, maxInjectBytes } = options;
  const read = await readUpTo(proxyRes, maxInjectBytes);
  if ('error' in read) return { kind: 'aborted', error: read.error };
  const passthrough = (reason: string): PreparedPage => ({
    kind: 'passthrough',
    head: read.chunks,
    outcome: { injected: false, reason },
  });
  if (!read.complete) return passthrough(`larger than maxInjectBytes (${maxInjectBytes})`);
  const encoding = encodingOf(proxyRes);
  let page: Buffer;
  try {
    page = await decode(Buffer.concat(read.chunks), encoding, maxInjectBytes);
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return passthrough(
      tooLarge
        ? `decoded page larger than maxInjectBytes (${maxInjectBytes})`
        : `could not decode ${encoding}: ${(error as Error).message}`,
    );
  }
  const nonce = randomBytes(16).toString('base64');
  let snippet: string;
  try {
    snippet = options.html(nonce);
    if (typeof snippet !== 'string') return passthrough(`inject.html returned ${typeof snippet}, not a string`);
  } catch (error) {
    return passthrough(`inject.html threw: ${(error as Error).message}`);
  }
  const csp = { nonce, scriptSource: options.scriptSource };
  const injected = injectIntoHtml(page, snippet, csp);
  if (!injected) return passthrough('UTF-16 page');
  const headers = pageHeaders(options.headers, injected.body.length, csp);
  const where = { head: 'before </head>', body: 'at the start of <body>', document: 'at the start of the document' };
  const notes = [
    `inserted ${where[injected.at]}`,
    ...(encoding && encoding !== 'identity' ? [`decoded ${encoding}, sent uncompressed`] : []),
  ];
  notes.push(...headers.notes, ...injected.notes);
  return { kind: 'injected', headers: headers.pairs, body: injected.body, outcome: { injected: true, notes } };
}

function pageHeaders(original: HeaderPairs, length: number, csp: { nonce: string; scriptSource: string | null }) {
  const pairs: HeaderPairs = original.map(([n, v]) => [n, v]);
  const notes: string[] = [];
  for (const pair of pairs) {
    if (!CSP_HEADERS.includes(pair[0].toLowerCase())) continue;
    const result = addNonceToCsp(pair[1], csp);
    pair[1] = result.value;
    notes.push(...result.notes.map((n) => `${pair[0].toLowerCase()} header: ${n}`));
  }
  // The body differs from the target's: its validators no longer describe it, and a cached copy would
  // carry a stale nonce, so the page is not stored.
  removeHeaders(pairs, 'content-encoding', 'content-length', 'etag', 'last-modified', 'content-md5', 'digest');
  setHeader(pairs, 'content-length', String(length));
  setHeader(pairs, 'cache-control', 'no-store');
  return { pairs, notes };
}

function encodingOf(res: IncomingMessage): string {
  return (res.headers['content-encoding'] ?? '').trim().toLowerCase();
}

type ReadResult = { complete: boolean; chunks: Buffer[] } | { error: Error };

/**
 * Reads until the end or until more than `max` bytes arrived; in the second case the stream is left
 * paused with the chunks read so far returned, so the caller can pass everything through.
 */
function readUpTo(stream: Readable, max: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: ReadResult) => {
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) {
        stream.pause();
        done({ complete: false, chunks });
      }
    };
    const onEnd = () => done({ complete: true, chunks });
    const onError = (error: Error) => done({ error });
    const onClose = () => done({ error: new Error('the dev server closed the connection before the end of the page') });
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

async function decode(raw: Buffer, encoding: string, max: number): Promise<Buffer> {
  const options = { maxOutputLength: max };
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzip(raw, options);
  if (encoding === 'br') return brotliDecompress(raw, options);
  if (encoding === 'deflate') {
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
    return inflate(raw, options).catch(() => inflateRaw(raw, options));
  }
  return raw;
}
