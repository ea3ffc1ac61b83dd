import { DEFAULT_MAX_ENTRIES } from '@ws/proxy';
import { z } from 'zod';
import { listOf, onOff, whole, withDefault } from './optionSpec.js';

/** Console levels from the least to the most severe; `off` records none. */
export const CONSOLE_CAPTURE_LEVELS = ['debug', 'log', 'info', 'warn', 'error', 'off'] as const;
export type ConsoleCaptureLevel = (typeof CONSOLE_CAPTURE_LEVELS)[number];

/** `http://localhost:3000` or `http://localhost:3000=4100` (the proxy's port). */
const PROXY_MAP = /^(https?:\/\/[^\s=]+?)(?:=(\d{1,5}))?$/i;

/** A fixed `--proxy-map` entry: a dev server URL, optionally `=<port>` for the proxy's own port. */
export const proxyMapEntry = z.string().regex(PROXY_MAP, 'must be <http(s) URL> or <http(s) URL>=<port>');

/** A `--proxy-map` entry split into its target and port (0: any free port). */
export function parseProxyMap(entry: string): { target: string; port: number } {
  const match = PROXY_MAP.exec(entry);
  return { target: match?.[1] ?? entry, port: Number(match?.[2] ?? 0) };
}

/** The browser half (issue 12): the recording proxy in front of dev servers, page telemetry, the REPL. */
export const BROWSER_OPTIONS = {
  /** Do not start a recording proxy in front of each dev URL a process prints (proxies start unless given). Default: off. */
  noProxy: withDefault(onOff(), false, {
    help: 'start no recording proxy in front of the dev servers the processes print',
  }),
  /** Fixed proxies: `<dev server URL>[=<proxy port>]`, started with the server. Default: none. */
  proxyMap: withDefault(listOf(proxyMapEntry), [], {
    arg: 'target[=port]',
    help: 'fixed proxies: a dev server URL, optionally =<port> for the proxy',
  }),
  /** Turn off the REPL (repl_execute, browser_refresh, browser_navigate); pages open no command stream. Default: off. */
  noRepl: withDefault(onOff(), false, { help: 'turn off running JavaScript in pages (repl_execute)' }),
  /** Console calls recorded from pages: this level and above (`debug` = every level, `off` = none). Default: debug. */
  consoleLevel: withDefault(
    z.enum(CONSOLE_CAPTURE_LEVELS, { error: `must be one of ${CONSOLE_CAPTURE_LEVELS.join(', ')}` }),
    'debug',
    { arg: 'level', help: 'page console calls recorded: this level and above, or off' },
  ),
  /** Header names redacted in proxy records besides authorization, cookie, set-cookie, proxy-authorization. Default: none. */
  redactHeaders: withDefault(listOf(z.string().regex(/^[!#$%&'*+.^_`|~0-9a-z-]+$/i, 'must be a header name')), [], {
    arg: 'names',
    help: 'more header names redacted in proxy records',
  }),
  /** Record request and response bodies in proxy records (text types, first 16 KiB). Default: off. */
  recordBodies: withDefault(onOff(), false, { help: 'record request and response bodies (text, first 16 KiB)' }),
  /** Proxy records kept, over every proxy (the oldest go first; also bounded to 8 MiB). Default: 1000. */
  maxProxyRequests: withDefault(whole(10), DEFAULT_MAX_ENTRIES, { arg: 'n', help: 'proxy records kept' }),
};
