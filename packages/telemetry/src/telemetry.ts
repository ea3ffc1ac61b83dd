import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCommandChannel } from './commandChannel.js';
import {
  type ConsoleEntry,
  type ConsoleFilter,
  createConsoleStore,
  DEFAULT_MAX_CONSOLE_BYTES,
  DEFAULT_MAX_CONSOLE_ENTRIES,
} from './consoleStore.js';
import { createErrorStore, DEFAULT_MAX_ERROR_GROUPS, type ErrorGroup } from './errorStore.js';
import { createListeners, type TelemetryEvent, type TelemetryStoreName } from './events.js';
import { createIngest, type Ingest } from './ingest.js';
import {
  createNetworkStore,
  DEFAULT_MAX_NETWORK_FAILURES,
  type NetworkFailure,
  type NetworkFilter,
} from './networkStore.js';
import { DEFAULT_BASE, type PageLimits } from './pageConfig.js';
import { checkBase, pageScript, scriptHash, scriptTag, TelemetryError } from './pageScript.js';
import { createRateLimiter, DEFAULT_SESSION_RATE } from './rateLimiter.js';
import { createRepl, type Repl, type ReplInternal } from './repl.js';
import { createHandler, type HandleContext } from './routes.js';
import type { ConsoleLevel } from './schemas.js';
import {
  createSessionStore,
  DEFAULT_MAX_SESSIONS,
  type PageSession,
  type SessionContext,
  type SessionRecord,
  toPublic,
} from './sessionStore.js';
import { createSourceMapper, type SourceMapOptions } from './sourceMaps.js';

/** Default of `maxBodyBytes` (256 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Default of `sessionTimeoutMs`: an open session without a command stream and unseen this long is closed. */
export const DEFAULT_SESSION_TIMEOUT_MS = 150_000;
/** Default of `errorEventIntervalMs`. */
export const DEFAULT_ERROR_EVENT_INTERVAL_MS = 5000;
/** Default of `consoleErrorEventsPerSecond`. */
export const DEFAULT_CONSOLE_ERROR_EVENTS_PER_SECOND = 10;
/** Default of `maxPendingErrors`. */
export const DEFAULT_MAX_PENDING_ERRORS = 1000;

/** Options of {@link createTelemetry}; every field has a default. */
export interface TelemetryOptions {
  /** The page key embedded in the script and required on every request. Default: 32 random hex digits per collector. */
  key?: string;
  /** Path prefix the proxy reserves for the collector. Default `/__webstream/`. */
  base?: string;
  /** Origins pages may be served from, when `handle` is not given them. Default: the request's Host if it is a loopback name. */
  origins?: string[];
  /** Console capture on pages: every level, none, or these levels. Default `true` (every level). */
  console?: boolean | ConsoleLevel[];
  /** Report page errors. Default `true`. */
  errors?: boolean;
  /** Report failed page requests. Default `true`. */
  network?: boolean;
  /** The REPL. `false`: pages never open the command stream and `repl.*` answers `disabled`. Default `true`. */
  repl?: boolean;
  /** Page-side limits (see `PageLimits`). */
  page?: Partial<PageLimits>;
  /** Most page sessions kept. Default 200; when full the least recently seen closed one goes, else the least recently seen. */
  maxSessions?: number;
  /** Most console entries kept. Default 5,000; oldest go first. */
  maxConsoleEntries?: number;
  /** Most bytes of console entries kept (approximate, UTF-16). Default 5 MiB; oldest go first. */
  maxConsoleBytes?: number;
  /** Most error groups kept. Default 500; the least recently seen goes. */
  maxErrorGroups?: number;
  /** Most failed requests kept. Default 500; oldest go first. */
  maxNetworkFailures?: number;
  /** Largest request body (bytes). Default 256 KiB; larger answers 413. */
  maxBodyBytes?: number;
  /** Per-session item rate (server side). Default 300/s, burst 600. */
  sessionRate?: { perSecond: number; burst: number };
  /** See {@link DEFAULT_SESSION_TIMEOUT_MS}. Default 150,000. */
  sessionTimeoutMs?: number;
  /** Least time between two `error` events of one group (ms). Default 5,000. */
  errorEventIntervalMs?: number;
  /** Most `console-error` events per session per second. Default 10. */
  consoleErrorEventsPerSecond?: number;
  /** Most errors waiting for source maps; more are dropped and counted. Default 1,000. */
  maxPendingErrors?: number;
  /** Source mapping of error frames; `null` turns it off. Default: on with `SourceMapOptions` defaults. */
  sourceMaps?: SourceMapOptions | null;
  /**
   * The URL to fetch for a script URL as the page saw it (undefined: do not fetch). Default: URLs
   * on the page's origin, fetched from the context's `target` when given, else as they are.
   */
  resolveUrl?: (url: string, context: SessionContext) => string | undefined;
  /** Receives every event (also `onEvent(listener)`). */
  onEvent?: (event: TelemetryEvent) => void;
  /** Clock (ms). Default `Date.now`. */
  now?: () => number;
}

/** Sizes of the stores and what was dropped. */
export interface TelemetryStats {
  sessions: number;
  commandStreams: number;
  errorGroups: number;
  evictedErrorGroups: number;
  consoleEntries: number;
  consoleBytes: number;
  evictedConsoleEntries: number;
  networkFailures: number;
  pendingErrors: number;
  pendingCommands: number;
  refusedAnswers: number;
  sourceMaps: { maps: number; bytes: number };
}

/** The collector. */
export interface Telemetry {
  readonly key: string;
  readonly base: string;
  /** Answers requests under `base` (true); false for any other path (not touched). */
  handle(req: IncomingMessage, res: ServerResponse, context?: HandleContext): boolean;
  /** The page script with this collector's configuration, to inject inline. */
  script(): string;
  /** `<script nonce="…">` + `script()` + `</script>`. */
  scriptTag(nonce?: string): string;
  /** The script's CSP hash source (`'sha256-…'`), for a policy that uses hashes. */
  readonly scriptHash: string;
  /** Newest activity first. */
  sessions(): PageSession[];
  session(id: string): PageSession | undefined;
  /** Error groups, most recently seen first. */
  errors(): ErrorGroup[];
  error(id: string): ErrorGroup | undefined;
  consoleEntries(filter?: ConsoleFilter): ConsoleEntry[];
  networkFailures(filter?: NetworkFilter): NetworkFailure[];
  /** Store changes, coalesced per event-loop turn. Returns the unsubscribe function. */
  onChange(listener: (stores: ReadonlySet<TelemetryStoreName>) => void): () => void;
  onEvent(listener: (event: TelemetryEvent) => void): () => void;
  readonly repl: Repl;
  stats(): TelemetryStats;
  /** Ends command streams, resolves pending REPL calls (`shutdown`), stops timers. */
  close(): void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1)
    throw new TelemetryError('invalid_option', `${name} must be at least 1 (got ${value})`);
  return value;
}

function defaultResolver(url: string, context: SessionContext): string | undefined {
  const parsed = new URL(url);
  if (parsed.origin !== context.origin) return undefined;
  return context.target ? new URL(parsed.pathname + parsed.search, context.target).href : parsed.href;
}

type Changes = ReturnType<typeof createChanges>;

/** Store changes, coalesced per event-loop turn. */
function createChanges() {
  const listeners = createListeners<ReadonlySet<TelemetryStoreName>>();
  let changed = new Set<TelemetryStoreName>();
  let scheduled = false;
  return {
    listeners,
    mark(store: TelemetryStoreName) {
      changed.add(store);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        const stores = changed;
        changed = new Set();
        listeners.emit(stores);
      });
    },
  };
}

function createStores(options: TelemetryOptions, now: () => number) {
  const maxSessions = positive('maxSessions', options.maxSessions, DEFAULT_MAX_SESSIONS);
  return {
    sessions: createSessionStore(maxSessions, now),
    console: createConsoleStore(
      positive('maxConsoleEntries', options.maxConsoleEntries, DEFAULT_MAX_CONSOLE_ENTRIES),
      positive('maxConsoleBytes', options.maxConsoleBytes, DEFAULT_MAX_CONSOLE_BYTES),
    ),
    errors: createErrorStore(positive('maxErrorGroups', options.maxErrorGroups, DEFAULT_MAX_ERROR_GROUPS)),
    network: createNetworkStore(
      positive('maxNetworkFailures', options.maxNetworkFailures, DEFAULT_MAX_NETWORK_FAILURES),
    ),
    limiter: createRateLimiter(options.sessionRate ?? DEFAULT_SESSION_RATE, maxSessions * 2, now),
    mapper: options.sourceMaps === null ? null : createSourceMapper(options.sourceMaps ?? {}, now),
    channel: createCommandChannel(),
  };
}

type Stores = ReturnType<typeof createStores>;

function createIngestFor(
  options: TelemetryOptions,
  stores: Stores,
  repl: ReplInternal,
  events: (event: TelemetryEvent) => void,
  changes: Changes,
  now: () => number,
) {
  const resolveUrl = options.resolveUrl ?? defaultResolver;
  return createIngest({
    ...stores,
    repl,
    now,
    limits: {
      maxPendingErrors: positive('maxPendingErrors', options.maxPendingErrors, DEFAULT_MAX_PENDING_ERRORS),
      errorEventIntervalMs: options.errorEventIntervalMs ?? DEFAULT_ERROR_EVENT_INTERVAL_MS,
      consoleErrorEventsPerSecond: options.consoleErrorEventsPerSecond ?? DEFAULT_CONSOLE_ERROR_EVENTS_PER_SECOND,
    },
    resolver: (record: SessionRecord) => (url: string) => resolveUrl(url, record.context),
    emit: events,
    changed: changes.mark,
    released: (record, evicted) => {
      stores.channel.detach(record.id);
      if (evicted) stores.limiter.delete(record.id);
    },
  });
}

/** Creates the collector. */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const now = options.now ?? Date.now;
  const key = options.key ?? randomBytes(16).toString('hex');
  const base = checkBase(options.base ?? DEFAULT_BASE);
  const replEnabled = options.repl ?? true;
  const text = pageScript({
    key,
    base,
    console: options.console ?? true,
    errors: options.errors ?? true,
    network: options.network ?? true,
    repl: replEnabled,
    limits: options.page ?? {},
  });
  const sessionTimeoutMs = positive('sessionTimeoutMs', options.sessionTimeoutMs, DEFAULT_SESSION_TIMEOUT_MS);
  const stores = createStores(options, now);
  const repl = createRepl(replEnabled, stores.channel, stores.sessions, now);
  const events = createListeners<TelemetryEvent>();
  if (options.onEvent) events.add(options.onEvent);
  const changes = createChanges();
  const ingest = createIngestFor(options, stores, repl, (event) => events.emit(event), changes, now);
  const handle = createHandler({
    base,
    key,
    origins: options.origins,
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    sessions: stores.sessions,
    channel: stores.channel,
    repl,
    ingest: (batch, context) => ingest.batch(batch, context),
    streamChanged: (sessionId) => {
      stores.sessions.seen(sessionId);
      changes.mark('sessions');
    },
  });
  const sweeper = setInterval(
    () => {
      for (const record of stores.sessions.sweep(sessionTimeoutMs)) ingest.end(record, 'timeout');
    },
    Math.min(15_000, Math.max(1000, Math.floor(sessionTimeoutMs / 2))),
  );
  sweeper.unref();
  const close = () => {
    clearInterval(sweeper);
    repl.close();
    stores.channel.close();
    events.clear();
    changes.listeners.clear();
  };
  return facade({ key, base, text, stores, repl, ingest, handle, events, changes, close });
}

interface Parts {
  key: string;
  base: string;
  text: string;
  stores: Stores;
  repl: ReplInternal;
  ingest: Ingest;
  handle: Telemetry['handle'];
  events: ReturnType<typeof createListeners<TelemetryEvent>>;
  changes: Changes;
  close(): void;
}

function facade({ key, base, text, stores, repl, ingest, handle, events, changes, close }: Parts): Telemetry {
  return {
    key,
    base,
    handle,
    script: () => text,
    scriptTag: (nonce) => scriptTag(text, nonce),
    scriptHash: scriptHash(text),
    sessions: () => stores.sessions.list(),
    session: (id) => {
      const record = stores.sessions.get(id);
      return record ? toPublic(record) : undefined;
    },
    errors: () => stores.errors.list(),
    error: (id) => stores.errors.get(id),
    consoleEntries: (filter) => stores.console.query(filter),
    networkFailures: (filter) => stores.network.query(filter),
    onChange: (listener) => changes.listeners.add(listener),
    onEvent: (listener) => events.add(listener),
    repl,
    stats: () => {
      const consoleStats = stores.console.stats();
      const errorStats = stores.errors.stats();
      return {
        sessions: stores.sessions.size,
        commandStreams: stores.channel.size,
        errorGroups: errorStats.groups,
        evictedErrorGroups: errorStats.evicted,
        consoleEntries: consoleStats.entries,
        consoleBytes: consoleStats.bytes,
        evictedConsoleEntries: consoleStats.evicted,
        networkFailures: stores.network.stats().failures,
        pendingErrors: ingest.pendingErrors(),
        pendingCommands: repl.pending(),
        refusedAnswers: repl.stats().refusedAnswers,
        sourceMaps: stores.mapper?.stats() ?? { maps: 0, bytes: 0 },
      };
    },
    close,
  };
}
