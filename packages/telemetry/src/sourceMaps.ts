// Stack frames mapped back through the dev server's source maps: the script is fetched, its
// `//# sourceMappingURL=` (or SourceMap header) followed (inline `data:` URLs, or a URL on the
// script's own origin), the map parsed with @jridgewell/trace-mapping and cached, bounded by count
// and bytes, with a time to live (dev servers rebuild). Every fetch has a timeout and a size cap.
import { AnyMap, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import { displayPath, type RawFrame, type StackFrame, unmapped } from './stackFrames.js';

/** Options of {@link createSourceMapper}; every field has a default. */
export interface SourceMapOptions {
  /** The fetch used for scripts and maps. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one fetch (ms). Default 2,000. */
  timeoutMs?: number;
  /** How long an error waits for its maps before it is reported unmapped (ms). Default 3,000. */
  waitMs?: number;
  /** Most maps cached. Default 50. */
  maxMaps?: number;
  /** Most bytes of map JSON cached. Default 64 MiB. */
  maxBytes?: number;
  /** Largest script or map fetched (bytes). Default 32 MiB. */
  maxFileBytes?: number;
  /** How long a map (or its absence) is trusted before it is fetched again (ms). Default 30,000. */
  ttlMs?: number;
}

/** Defaults of {@link SourceMapOptions}. */
export const DEFAULT_SOURCE_MAP_OPTIONS: Required<Omit<SourceMapOptions, 'fetch'>> = {
  timeoutMs: 2000,
  waitMs: 3000,
  maxMaps: 50,
  maxBytes: 64 * 1024 * 1024,
  maxFileBytes: 32 * 1024 * 1024,
  ttlMs: 30_000,
};

/** Frames after mapping: `mapped` all, `partial` some, `unmapped` none (with `note` saying why). */
export interface MappedStack {
  frames: StackFrame[];
  mapping: 'mapped' | 'partial' | 'unmapped';
  note?: string;
}

type Loaded = { ok: true; map: TraceMap; bytes: number } | { ok: false; reason: string };
interface CacheEntry {
  promise: Promise<Loaded>;
  value?: Loaded;
  expires: number;
}

/** Maps frames; `resolve` turns a page-visible script URL into the URL to fetch (undefined: do not fetch). */
export interface SourceMapper {
  map(frames: readonly RawFrame[], resolve: (url: string) => string | undefined): Promise<MappedStack>;
  stats(): { maps: number; bytes: number };
}

/** Creates the mapper. */
export function createSourceMapper(options: SourceMapOptions = {}, now: () => number = Date.now): SourceMapper {
  const config = { ...DEFAULT_SOURCE_MAP_OPTIONS, ...options };
  const fetcher = options.fetch ?? globalThis.fetch;
  const cache = new Map<string, CacheEntry>();
  let bytes = 0;

  function evict() {
    for (const [url, entry] of cache) {
      if (cache.size <= config.maxMaps && bytes <= config.maxBytes) break;
      if (!entry.value) continue;
      cache.delete(url);
      if (entry.value.ok) bytes -= entry.value.bytes;
    }
  }

  function entryFor(url: string): CacheEntry {
    const existing = cache.get(url);
    if (existing && (existing.expires > now() || !existing.value)) {
      cache.delete(url);
      cache.set(url, existing);
      return existing;
    }
    if (existing) {
      cache.delete(url);
      if (existing.value?.ok) bytes -= existing.value.bytes;
    }
    const entry: CacheEntry = {
      expires: Number.POSITIVE_INFINITY,
      promise: Promise.resolve({ ok: false, reason: '' }),
    };
    entry.promise = loadMap(url, fetcher, config).then((value) => {
      entry.value = value;
      entry.expires = now() + config.ttlMs;
      if (value.ok) {
        if (value.bytes > config.maxBytes) cache.delete(url);
        else bytes += value.bytes;
      }
      evict();
      return value;
    });
    cache.set(url, entry);
    return entry;
  }

  async function map(frames: readonly RawFrame[], resolve: (url: string) => string | undefined): Promise<MappedStack> {
    const targets = frames.map((frame) => resolveSafe(resolve, frame.url));
    const entries = new Map<string, CacheEntry>();
    for (const target of targets) if (target && !entries.has(target)) entries.set(target, entryFor(target));
    await settledWithin(
      [...entries.values()].map((entry) => entry.promise),
      config.waitMs,
    );
    return mapFrames(frames, targets, entries, config.waitMs);
  }

  return { map, stats: () => ({ maps: cache.size, bytes }) };
}

/** Waits for all promises, or `ms`, whichever comes first. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
    timer.unref();
  });
  await Promise.race([Promise.all(promises), waited]);
  clearTimeout(timer);
}

function mapFrames(
  frames: readonly RawFrame[],
  targets: Array<string | undefined>,
  entries: Map<string, CacheEntry>,
  waitMs: number,
): MappedStack {
  const notes = new Set<string>();
  const names: Array<string | undefined> = [];
  const out = frames.map((frame, index) => {
    const target = targets[index];
    const value = target ? entries.get(target)?.value : undefined;
    if (!target) notes.add(`${frame.url} is not on the page's origin: not fetched`);
    else if (!value) notes.add(`the source map of ${frame.url} was not loaded within ${waitMs} ms`);
    else if (!value.ok) notes.add(value.reason);
    if (!value?.ok) return unmapped(frame);
    const mapped = mapFrame(value.map, frame, notes);
    names[index] = mapped.name;
    return mapped.frame;
  });
  // The name at a call site is the callee's: frame i is named by what frame i + 1 maps to.
  for (let index = 0; index < out.length; index++) {
    const name = names[index + 1];
    const frame = out[index] as StackFrame;
    if (name && frame.mapped) frame.function = name;
  }
  const count = out.filter((frame) => frame.mapped).length;
  const mapping = count === out.length && count > 0 ? 'mapped' : count > 0 ? 'partial' : 'unmapped';
  const result: MappedStack = { frames: out, mapping };
  if (notes.size > 0) result.note = [...notes].slice(0, 3).join('; ');
  return result;
}

function resolveSafe(resolve: (url: string) => string | undefined, url: string): string | undefined {
  try {
    return resolve(url);
  } catch {
    return undefined;
  }
}

function mapFrame(map: TraceMap, frame: RawFrame, notes: Set<string>): { frame: StackFrame; name?: string } {
  if (frame.line === null || frame.column === null) return { frame: unmapped(frame) };
  const position = originalPositionFor(map, { line: frame.line, column: Math.max(0, frame.column - 1) });
  if (position.source === null || position.line === null) {
    notes.add(`${frame.url}:${frame.line}:${frame.column} has no mapping in its source map`);
    return { frame: unmapped(frame) };
  }
  const out: StackFrame = {
    file: displayPath(position.source),
    line: position.line,
    column: position.column + 1,
    mapped: true,
    raw: frame,
  };
  // Minified names say nothing; the original name comes from the caller's frame (see map()).
  return position.name ? { frame: out, name: position.name } : { frame: out };
}

type Config = Required<Omit<SourceMapOptions, 'fetch'>>;

async function loadMap(scriptUrl: string, fetcher: typeof fetch, config: Config): Promise<Loaded> {
  const script = await fetchText(scriptUrl, fetcher, config);
  if (!script.ok) return { ok: false, reason: `${scriptUrl}: ${script.reason}` };
  const reference = script.header ?? findMappingUrl(script.text);
  if (!reference) return { ok: false, reason: `${scriptUrl} has no sourceMappingURL` };
  let text: string;
  let mapUrl = scriptUrl;
  if (reference.startsWith('data:')) {
    const decoded = decodeDataUrl(reference);
    if (decoded === undefined)
      return { ok: false, reason: `${scriptUrl}: its inline source map is not a JSON data URL` };
    text = decoded;
  } else {
    mapUrl = new URL(reference, scriptUrl).href;
    if (new URL(mapUrl).origin !== new URL(scriptUrl).origin) {
      return { ok: false, reason: `${scriptUrl}: its source map ${mapUrl} is on another origin: not fetched` };
    }
    const fetched = await fetchText(mapUrl, fetcher, config);
    if (!fetched.ok) return { ok: false, reason: `source map ${mapUrl}: ${fetched.reason}` };
    text = fetched.text;
  }
  try {
    const map = new AnyMap(JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, '')), mapUrl);
    return { ok: true, map, bytes: text.length };
  } catch (error) {
    return { ok: false, reason: `source map ${mapUrl} could not be parsed: ${(error as Error).message}` };
  }
}

/** The last `//# sourceMappingURL=` (or `//@`, or in a `/*# … *\/` comment) of a script. */
export function findMappingUrl(text: string): string | undefined {
  const at = text.lastIndexOf('sourceMappingURL=');
  if (at < 3) return undefined;
  const before = text.slice(Math.max(0, at - 4), at);
  if (!/(?:\/\/|\/\*)\s?[#@]\s?$/.test(before)) return undefined;
  const match = /^sourceMappingURL=([^\s'"*]+)/.exec(text.slice(at));
  return match?.[1];
}

function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!/^application\/json/i.test(meta)) return undefined;
  const data = url.slice(comma + 1);
  try {
    return /;base64$/i.test(meta) ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
  } catch {
    return undefined;
  }
}

type Fetched = { ok: true; text: string; header?: string } | { ok: false; reason: string };

async function fetchText(url: string, fetcher: typeof fetch, config: Config): Promise<Fetched> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const response = await fetcher(url, { signal, redirect: 'error', headers: { accept: '*/*' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { ok: false, reason: `HTTP ${response.status}` };
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > config.maxFileBytes) {
      await response.body?.cancel().catch(() => {});
      return { ok: false, reason: `larger than ${config.maxFileBytes} bytes` };
    }
    const text = await readCapped(response, config.maxFileBytes);
    if (text === undefined) return { ok: false, reason: `larger than ${config.maxFileBytes} bytes` };
    const header = response.headers.get('sourcemap') ?? response.headers.get('x-sourcemap') ?? undefined;
    return header ? { ok: true, text, header } : { ok: true, text };
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${config.timeoutMs} ms` : (error as Error).message;
    return { ok: false, reason: `fetch failed (${reason})` };
  }
}

async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
