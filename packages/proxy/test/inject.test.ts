import type { IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevProxy, type DevProxy, type DevProxyOptions, type InjectContext } from '../src/index.js';
import { finalRecord, request, startServer, type TestServer } from './helpers.js';

const PAGE = '<!doctype html><html><head><title>Café ☕</title></head><body><h1>Hello</h1></body></html>';
const BIG = `<!doctype html><html><head><title>big</title></head><body>${'<p>lorem ipsum</p>'.repeat(350_000)}</body></html>`;
const CSP = "default-src 'self'; script-src 'self'; connect-src https://api.example";

let target: TestServer;
let lastHeaders: IncomingHttpHeaders = {};
const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  deflate: (b) => zlib.deflateSync(b),
  rawdeflate: (b) => zlib.deflateRawSync(b),
};

beforeAll(async () => {
  target = await startServer((req, res) => {
    lastHeaders = req.headers;
    const url = new URL(req.url ?? '/', 'http://x');
    const encoding = url.searchParams.get('enc');
    const html = Buffer.from(url.pathname === '/big' || url.searchParams.has('big') ? BIG : PAGE);
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' };
    if (url.searchParams.has('csp')) headers['content-security-policy'] = CSP;
    if (url.pathname === '/json')
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"html":"</head>"}');
    if (url.pathname === '/chunked') {
      res.writeHead(200, headers);
      for (let i = 0; i < html.length; i += 4096) res.write(html.subarray(i, i + 4096));
      return res.end();
    }
    const body = encoding ? (encoders[encoding] as (b: Buffer) => Buffer)(html) : html;
    if (encoding) headers['content-encoding'] = encoding === 'rawdeflate' ? 'deflate' : encoding;
    res.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(body);
  });
});
afterAll(() => target.close());

const proxies: DevProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

const nonces: string[] = [];
const contexts: InjectContext[] = [];
async function proxyFor(options: Partial<DevProxyOptions> = {}): Promise<DevProxy> {
  const proxy = await createDevProxy({
    target: target.url,
    processId: 'web',
    inject: {
      html: (nonce, context) => {
        nonces.push(nonce);
        contexts.push(context);
        return `<script nonce="${nonce}">window.__ws=1</script>`;
      },
    },
    ...options,
  });
  proxies.push(proxy);
  return proxy;
}

const injected = (nonce: string) => PAGE.replace('</head>', `<script nonce="${nonce}">window.__ws=1</script></head>`);

describe('HTML injection', () => {
  it.each([
    ['plain', ''],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['deflate', 'deflate'],
    ['raw deflate', 'rawdeflate'],
  ])('injects into a %s page, sent uncompressed with the right Content-Length', async (_name, enc) => {
    const proxy = await proxyFor();
    const url = `/page${enc ? `?enc=${enc}` : ''}`;
    const res = await request(`${proxy.origin}${url}`, {
      headers: { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    const nonce = nonces.at(-1) as string;
    expect(res.body.toString('utf8')).toBe(injected(nonce));
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(lastHeaders['accept-encoding']).toBe('gzip, deflate, br'); // zstd is not offered to the target
    const record = await finalRecord(proxy.store, url);
    expect(record.injection?.injected).toBe(true);
    expect(record.injection?.notes?.[0]).toBe('inserted before </head>');
    expect(record.responseBytes).toBe(res.body.length);
    expect(res.headers['x-webstream-request-id']).toBe(record.id);
    expect(contexts.at(-1)).toEqual({ requestId: record.id, url, processId: 'web' });
  });

  it('injects into a chunked page and gives it a Content-Length', async () => {
    const proxy = await proxyFor();
    const res = await request(`${proxy.origin}/chunked`);
    expect(res.body.toString()).toBe(injected(nonces.at(-1) as string));
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('adds a fresh nonce to the CSP header and lets the injected script talk to its own origin', async () => {
    const proxy = await proxyFor();
    const first = await request(`${proxy.origin}/page?csp`);
    const nonce = nonces.at(-1) as string;
    expect(first.body.toString()).toBe(injected(nonce));
    expect(first.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; connect-src https://api.example 'self'`,
    );
    const second = await request(`${proxy.origin}/page?csp`);
    expect(nonces.at(-1)).not.toBe(nonce);
    expect(second.headers['content-security-policy']).toContain(`'nonce-${nonces.at(-1)}'`);
    const record = await finalRecord(proxy.store, '/page?csp');
    expect(record.injection?.notes).toContain('content-security-policy header: script-src: nonce added');
  });

  it('passes a page whose Content-Length is over maxInjectBytes through untouched', async () => {
    const proxy = await proxyFor();
    const res = await request(`${proxy.origin}/big`);
    expect(res.body.equals(Buffer.from(BIG))).toBe(true);
    expect(res.headers.etag).toBe('"v1"');
    const record = await finalRecord(proxy.store, '/big');
    expect(record.injection).toEqual({
      injected: false,
      reason: `larger than maxInjectBytes (${BIG.length} > 5242880)`,
    });
    expect(record.responseBytes).toBe(BIG.length);
  });

  it('passes a chunked page through untouched when it outgrows maxInjectBytes while buffering', async () => {
    const proxy = await proxyFor();
    const res = await request(`${proxy.origin}/chunked?big`);
    expect(res.body.equals(Buffer.from(BIG))).toBe(true);
    expect(await finalRecord(proxy.store, '/chunked?big')).toMatchObject({
      injection: { injected: false, reason: 'larger than maxInjectBytes (5242880)' },
      responseBytes: BIG.length,
    });
    const small = await proxyFor({ maxInjectBytes: 50 });
    const cut = await request(`${small.origin}/chunked`);
    expect(cut.body.toString()).toBe(PAGE);
    expect(await finalRecord(small.store, '/chunked')).toMatchObject({
      injection: { injected: false, reason: 'larger than maxInjectBytes (50)' },
      responseBytes: Buffer.byteLength(PAGE),
    });
  });

  it('passes a compressed page through as it came when it decodes to more than maxInjectBytes', async () => {
    const proxy = await proxyFor({ maxInjectBytes: 200_000 });
    const res = await request(`${proxy.origin}/big?enc=gzip`);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(res.body).toString()).toBe(BIG);
    const record = await finalRecord(proxy.store, '/big?enc=gzip');
    expect(record.injection).toEqual({ injected: false, reason: 'decoded page larger than maxInjectBytes (200000)' });
  });

  it('leaves non-HTML, HEAD, background fetches and a failing inject.html alone', async () => {
    const proxy = await proxyFor();
    expect((await request(`${proxy.origin}/json`)).body.toString()).toBe('{"html":"</head>"}');
    expect((await finalRecord(proxy.store, '/json')).injection).toBeNull();
    const head = await request(`${proxy.origin}/page`, { method: 'HEAD' });
    expect(head.body.length).toBe(0);
    expect((await finalRecord(proxy.store, '/page')).injection).toEqual({ injected: false, reason: 'HEAD request' });
    const fetched = await request(`${proxy.origin}/chunked`, { headers: { 'sec-fetch-dest': 'empty' } });
    expect(fetched.body.toString()).toBe(PAGE);
    expect((await finalRecord(proxy.store, '/chunked')).injection?.reason).toBe(
      'not a page load (sec-fetch-dest: empty)',
    );
    const broken = await proxyFor({
      inject: {
        html: () => {
          throw new Error('template bug');
        },
      },
    });
    expect((await request(`${broken.origin}/page?enc=gzip`)).headers['content-encoding']).toBe('gzip');
    expect((await finalRecord(broken.store, '/page?enc=gzip')).injection).toEqual({
      injected: false,
      reason: 'inject.html threw: template bug',
    });
  });

  it('without the inject option, pages pass through byte for byte', async () => {
    const proxy = await proxyFor({ inject: null });
    const res = await request(`${proxy.origin}/page?enc=br&csp`, { headers: { 'accept-encoding': 'br, zstd' } });
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(PAGE);
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(lastHeaders['accept-encoding']).toBe('br, zstd');
    expect((await finalRecord(proxy.store, '/page?enc=br&csp')).injection).toBeNull();
  });
});
