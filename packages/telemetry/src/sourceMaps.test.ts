// Source mapping against real bundles: esbuild builds the fixture's widget, node:vm runs it under the
// URL it is served at (so the stack is a real V8 stack), and a node:http server serves script and map.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterEach, describe, expect, test } from 'vitest';
import { markerLine } from '../test/harness.js';
import { createSourceMapper, findMappingUrl } from './sourceMaps.js';
import { parseFrames } from './stackFrames.js';

const FIXTURE = new URL('../test/fixtures/app/', import.meta.url).pathname;
const THROW_LINE = markerLine('src/widget.ts', 'THROW_MARKER');

async function bundle(sourcemap: 'linked' | 'inline' | 'external' | false) {
  const result = await build({
    stdin: {
      contents: "import { explode } from './widget';\nglobalThis.run = () => explode('x');\n",
      resolveDir: `${FIXTURE}src`,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    minify: true,
    sourcemap,
    outfile: `${FIXTURE}dist/app.js`,
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text ?? '';
  const map = result.outputFiles.find((file) => file.path.endsWith('.map'))?.text;
  return { js, map };
}

function stackOf(js: string, url: string): string {
  const context: { run?: () => void } = {};
  (context as Record<string, unknown>).globalThis = context;
  runInNewContext(js, context, { filename: url });
  try {
    context.run?.();
  } catch (error) {
    return (error as Error).stack ?? '';
  }
  throw new Error('the fixture did not throw');
}

/** The bundle's own frames of a real stack (the test's and vitest's frames are dropped). */
function framesOf(js: string, url: string) {
  return parseFrames({ stack: stackOf(js, url) }).filter((frame) => frame.url === url);
}

type Route = (path: string, respond: (status: number, body: string, headers?: Record<string, string>) => void) => void;
const servers: Server[] = [];
let hits: string[] = [];

async function serve(route: Route): Promise<string> {
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    route(req.url ?? '', (status, body, headers = {}) => {
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  hits = [];
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const same = (url: string) => url;

describe('source maps', () => {
  test('a linked map (relative sourceMappingURL) maps a real stack to src/widget.ts and keeps the raw frame', async () => {
    const { js, map } = await bundle('linked');
    const origin = await serve((path, respond) =>
      path === '/dist/app.js' ? respond(200, js) : respond(200, map ?? ''),
    );
    const mapped = await createSourceMapper().map(framesOf(js, `${origin}/dist/app.js`), same);
    expect(mapped.mapping).toBe('mapped');
    expect(mapped.frames[0]).toMatchObject({
      file: 'src/widget.ts',
      line: THROW_LINE,
      mapped: true,
      function: 'explode',
    });
    expect(mapped.frames[0]?.raw).toMatchObject({ url: `${origin}/dist/app.js`, line: 1 });
    expect(hits).toEqual(['/dist/app.js', '/dist/app.js.map']);
  });

  test('an inline data: URL map and a SourceMap header', async () => {
    const inline = await bundle('inline');
    const external = await bundle('external');
    const origin = await serve((path, respond) => {
      if (path === '/inline.js') return respond(200, inline.js);
      if (path === '/header.js') return respond(200, external.js, { sourcemap: '/maps/header.js.map' });
      if (path === '/maps/header.js.map') return respond(200, external.map ?? '');
      respond(404, '');
    });
    const mapper = createSourceMapper();
    const fromInline = await mapper.map(framesOf(inline.js, `${origin}/inline.js`), same);
    expect(fromInline.frames[0]).toMatchObject({ file: 'src/widget.ts', line: THROW_LINE });
    const fromHeader = await mapper.map(framesOf(external.js, `${origin}/header.js`), same);
    expect(fromHeader.frames[0]).toMatchObject({ file: 'src/widget.ts', line: THROW_LINE });
  });

  test('no map, a missing map, a map on another origin: unmapped, and the note says why', async () => {
    const { js } = await bundle(false);
    const linked = await bundle('linked');
    const origin = await serve((path, respond) => {
      if (path === '/plain.js') return respond(200, js);
      if (path === '/missing.js') return respond(200, linked.js.replace('app.js.map', 'gone.js.map'));
      if (path === '/foreign.js')
        return respond(200, linked.js.replace('app.js.map', 'http://example.invalid/app.js.map'));
      respond(404, 'no');
    });
    const mapper = createSourceMapper();
    const plain = await mapper.map(framesOf(js, `${origin}/plain.js`), same);
    expect(plain).toMatchObject({ mapping: 'unmapped', note: `${origin}/plain.js has no sourceMappingURL` });
    expect(plain.frames[0]).toMatchObject({ file: 'plain.js', mapped: false, line: 1 });
    const missing = await mapper.map(framesOf(linked.js, `${origin}/missing.js`), same);
    expect(missing.note).toBe(`source map ${origin}/gone.js.map: HTTP 404`);
    const foreign = await mapper.map(framesOf(linked.js, `${origin}/foreign.js`), same);
    expect(foreign.note).toContain('is on another origin: not fetched');
    const skipped = await mapper.map(framesOf(js, `${origin}/plain.js`), () => undefined);
    expect(skipped.note).toContain("is not on the page's origin: not fetched");
  });

  test('a dev server that does not answer: the error waits at most waitMs and says so; the fetch times out', async () => {
    const origin = await serve(() => {});
    const mapper = createSourceMapper({ waitMs: 100, timeoutMs: 300 });
    const started = Date.now();
    const frames = [{ url: `${origin}/slow.js`, line: 1, column: 10 }];
    const first = await mapper.map(frames, same);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first).toMatchObject({
      mapping: 'unmapped',
      note: `the source map of ${origin}/slow.js was not loaded within 100 ms`,
    });
    // Later errors get the fetch's own outcome once it has timed out (polled, bounded).
    let note = first.note;
    for (let tries = 0; tries < 40 && note === first.note; tries++) note = (await mapper.map(frames, same)).note;
    expect(note).toBe(`${origin}/slow.js: fetch failed (no answer within 300 ms)`);
  });

  test('the cache is bounded by count and bytes, and a file over maxFileBytes is refused', async () => {
    const { js, map } = await bundle('linked');
    const origin = await serve((path, respond) => (path.endsWith('.js') ? respond(200, js) : respond(200, map ?? '')));
    const mapper = createSourceMapper({ maxMaps: 2 });
    for (const name of ['a', 'b', 'c'])
      await mapper.map([{ url: `${origin}/dist/${name}.js`, line: 1, column: 10 }], same);
    expect(mapper.stats().maps).toBe(2);
    expect(mapper.stats().bytes).toBe(2 * (map ?? '').length);
    const small = createSourceMapper({ maxBytes: (map ?? '').length + 10 });
    for (const name of ['a', 'b']) await small.map([{ url: `${origin}/dist/${name}.js`, line: 1, column: 10 }], same);
    expect(small.stats()).toEqual({ maps: 1, bytes: (map ?? '').length });
    const tiny = createSourceMapper({ maxFileBytes: 100 });
    const refused = await tiny.map([{ url: `${origin}/dist/a.js`, line: 1, column: 10 }], same);
    expect(refused.note).toBe(`${origin}/dist/a.js: larger than 100 bytes`);
  });

  test('findMappingUrl takes the last real comment', () => {
    expect(findMappingUrl('a()\n//# sourceMappingURL=app.js.map\n')).toBe('app.js.map');
    expect(findMappingUrl('x="sourceMappingURL=nope"')).toBeUndefined();
    expect(findMappingUrl('/*# sourceMappingURL=data:application/json;base64,e30= */')).toBe(
      'data:application/json;base64,e30=',
    );
  });
});
