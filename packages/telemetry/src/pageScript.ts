import { createHash } from 'node:crypto';
import {
  ALL_CONSOLE_LEVELS,
  DEFAULT_BASE,
  DEFAULT_PAGE_LIMITS,
  type PageConfig,
  type PageLimits,
} from './pageConfig.js';
import type { ConsoleLevel } from './schemas.js';

// The compiled page script (src/page/main.ts), put here at build time by tsup's `define` (and by
// vitest.config.ts for tests), see scripts/buildPage.ts.
declare const __WEBSTREAM_PAGE_SOURCE__: string;

/** Options of {@link pageScript}. */
export interface PageScriptOptions {
  /** The page key the collector checks (required; the collector's `key`). */
  key: string;
  /** Path prefix on the page's origin that reaches the collector; starts and ends with `/`. Default `/__webstream/`. */
  base?: string;
  /** Console capture: `true` every level, `false` none, or the levels to capture. Default `true`. */
  console?: boolean | ConsoleLevel[];
  /** Report uncaught errors and unhandled rejections. Default `true`. */
  errors?: boolean;
  /** Report failed fetch/XHR requests. Default `true`. */
  network?: boolean;
  /** Open the REPL command stream. `false`: the page never opens it. Default `true`. */
  repl?: boolean;
  /** Page-side limits and timings; see {@link PageLimits}. */
  limits?: Partial<PageLimits>;
}

/** Thrown for options that cannot work (a base that is not a path, an empty key). */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  constructor(
    readonly code: 'invalid_option',
    message: string,
  ) {
    super(message);
  }
}

/** The compiled page script without configuration (for size checks). */
export function pageSource(): string {
  return __WEBSTREAM_PAGE_SOURCE__;
}

/** Checks a base path: `/`, then URL path characters, ending in `/`. */
export function checkBase(base: string): string {
  if (!/^\/(?:[A-Za-z0-9._~-]+\/)*$/.test(base)) {
    throw new TelemetryError(
      'invalid_option',
      `base must be a path that starts and ends with "/" (got ${JSON.stringify(base)})`,
    );
  }
  return base;
}

/** The configuration embedded in the page script for these options. */
export function pageConfig(options: PageScriptOptions): PageConfig {
  if (!options.key || !/^[\x21-\x7e]{1,200}$/.test(options.key)) {
    throw new TelemetryError('invalid_option', 'key must be 1 to 200 printable ASCII characters');
  }
  const levels = options.console ?? true;
  return {
    ...DEFAULT_PAGE_LIMITS,
    ...options.limits,
    base: checkBase(options.base ?? DEFAULT_BASE),
    key: options.key,
    console: levels === true ? [...ALL_CONSOLE_LEVELS] : levels === false ? [] : [...levels],
    errors: options.errors ?? true,
    network: options.network ?? true,
    repl: options.repl ?? true,
  };
}

/**
 * The page script with its configuration embedded: JavaScript text to inject inline (`<script
 * nonce="…">text</script>`, before `</head>`). Safe inside a `<script>` element: `<`, U+2028 and
 * U+2029 in the configuration are escaped.
 */
export function pageScript(options: PageScriptOptions): string {
  const json = JSON.stringify(pageConfig(options))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `(function(__webstreamConfig){${__WEBSTREAM_PAGE_SOURCE__}})(${json});`;
}

/** The CSP source expression for a script text: `'sha256-…'` (an alternative to a nonce). */
export function scriptHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** `<script nonce="…">…</script>` for `text` (nonce attribute-escaped; omitted when empty). */
export function scriptTag(text: string, nonce?: string): string {
  const attribute = nonce ? ` nonce="${nonce.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"` : '';
  return `<script${attribute}>${text}</script>`;
}
