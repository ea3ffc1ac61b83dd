import type { ConsoleLevel } from './schemas.js';

/** Largest string fields a page may send; the page script truncates to these before sending. */
export const FIELD_LIMITS = {
  url: 4000,
  title: 1000,
  userAgent: 1000,
  message: 2000,
  stack: 16_000,
  name: 200,
  code: 100_000,
} as const;

/** The response header the proxy sets on proxied responses; failed requests carry it to link the proxy's record. */
export const REQUEST_ID_HEADER = 'x-webstream-request-id';

/** The path prefix the page script reports to, on the page's own origin. */
export const DEFAULT_BASE = '/__webstream/';

/** Page-side limits and timings. Every field has a default; see {@link DEFAULT_PAGE_LIMITS}. */
export interface PageLimits {
  /** Flush the queue this often (ms). Default 250. */
  flushIntervalMs: number;
  /** Flush at once when this many items are queued; also the most items per batch. Default 50. */
  maxBatchItems: number;
  /** Largest batch body (bytes of JSON); kept under the 64 KiB keepalive/beacon limit. Default 60,000. */
  maxBatchBytes: number;
  /** Most items waiting to be sent; more are dropped and counted. Default 1,000. */
  maxQueueItems: number;
  /** Distinct console items per second; more are dropped and counted. Default 100. */
  consolePerSecond: number;
  /** Distinct errors per second (identical errors coalesce into a count first). Default 50. */
  errorsPerSecond: number;
  /** Failed requests reported per second. Default 50. */
  networkPerSecond: number;
  /** Nesting depth of serialized values (console arguments, REPL results). Default 4. */
  maxDepth: number;
  /** Longest string kept in a serialized value (characters). Default 1,000. */
  maxStringLength: number;
  /** Most array items or object keys serialized per value. Default 50. */
  maxKeys: number;
  /** Size budget of one console call's arguments (characters of JSON). Default 4,096. */
  maxItemBytes: number;
  /** Size budget of one REPL result (characters of JSON). Default 65,536. */
  maxResultBytes: number;
  /** An empty batch is sent when nothing else was sent for this long, so the session stays alive (ms). Default 15,000. */
  heartbeatMs: number;
  /** Close the command stream after the page has been hidden this long (ms); `null` keeps it open. Default 30,000. */
  hiddenStreamCloseMs: number | null;
}

/** Defaults of {@link PageLimits}. */
export const DEFAULT_PAGE_LIMITS: PageLimits = {
  flushIntervalMs: 250,
  maxBatchItems: 50,
  maxBatchBytes: 60_000,
  maxQueueItems: 1000,
  consolePerSecond: 100,
  errorsPerSecond: 50,
  networkPerSecond: 50,
  maxDepth: 4,
  maxStringLength: 1000,
  maxKeys: 50,
  maxItemBytes: 4096,
  maxResultBytes: 65_536,
  heartbeatMs: 15_000,
  hiddenStreamCloseMs: 30_000,
};

/** The configuration embedded in the page script. */
export interface PageConfig extends PageLimits {
  base: string;
  key: string;
  /** Console levels captured (empty: console capture off). */
  console: ConsoleLevel[];
  errors: boolean;
  network: boolean;
  repl: boolean;
}

/** Every console level the page script can capture. */
export const ALL_CONSOLE_LEVELS: ConsoleLevel[] = ['debug', 'log', 'info', 'warn', 'error', 'trace'];
