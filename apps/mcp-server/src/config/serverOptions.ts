import { statSync } from 'node:fs';
import { z } from 'zod';
import { parseTrustProxy } from '../http/security/clientAddress.js';
import type { LogLevel } from '../server/logger.js';
import { listOf, onOff, optional, whole, withDefault } from './optionSpec.js';

const origin = z
  .string()
  .refine(
    (s) => s === '*' || /^https?:\/\/[^/\s]+$/.test(s),
    'each CORS origin must look like https://host[:port] (no path), or be *',
  );

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogLevel[];

/** Where the server listens, who may talk to it, what it runs and how much it says. */
export const SERVER_OPTIONS = {
  /** Interface to bind; the default serves this machine only. Default: 127.0.0.1. */
  host: withDefault(z.string().min(1, 'must not be empty'), '127.0.0.1', {
    arg: 'host',
    help: 'interface to bind; the default serves this machine only',
  }),
  /** TCP port; 0 picks a free one. Default: 8000. */
  port: withDefault(whole(0, 65535), 8000, { arg: 'port', help: 'TCP port; 0 picks a free one' }),
  /** Also speak MCP over stdio (for Claude Desktop, Cursor, Claude Code). Default: off. */
  stdio: withDefault(onOff(), false, { help: 'also speak MCP over stdio, for desktop AI clients' }),
  /**
   * Shared secret, at least 16 characters; when set, publishing and subscribing need it. Prefer the
   * environment variable (flags show in `ps`). Default: none: auth off.
   */
  token: optional(z.string().min(16, 'must be at least 16 characters'), {
    arg: 'token',
    help: 'secret (16+ characters) required to publish and subscribe; prefer the env variable',
    defaultText: 'none: auth off',
  }),
  /** Origins allowed cross-origin (CORS allowlist); `*` allows any origin, without credentials. Default: none. */
  cors: withDefault(listOf(origin), [], {
    arg: 'origins',
    help: 'comma-separated origins allowed cross-origin, e.g. https://app.example; * allows any',
  }),
  /**
   * Extra Host header names accepted (DNS-rebinding protection); `*` accepts any. Loopback names are
   * always accepted, and `host` when it is a name or address other than a wildcard. Default: none.
   */
  allowedHosts: withDefault(listOf(z.string().min(1, 'must not be empty')), [], {
    arg: 'hosts',
    help: 'extra Host names to accept (DNS-rebinding protection); loopback names and --host always pass',
  }),
  /**
   * Which X-Forwarded-For hops to trust, so limits key on the real client address behind a reverse
   * proxy: a hop count (`1`) or the proxies' comma-separated CIDRs (`10.0.0.0/8,127.0.0.1/32`).
   * Default: off: the socket address is the client.
   */
  trustProxy: optional(
    z
      .string()
      .min(1, 'must not be empty')
      .superRefine((value, ctx) => {
        const parsed = parseTrustProxy(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      }),
    {
      arg: 'hops|cidrs',
      help: "trust X-Forwarded-For: a hop count (1) or the proxies' comma-separated CIDRs",
      defaultText: 'off: the socket address is the client',
    },
  ),
  /** The project whose scripts the dev-process tools run. Default: the working directory. */
  cwd: withDefault(
    z
      .string()
      .min(1, 'must not be empty')
      .refine(
        (dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true,
        'must be an existing directory',
      ),
    () => process.cwd(),
    { arg: 'dir', help: 'the project whose scripts the dev-process tools run', defaultText: 'the working directory' },
  ),
  /** Least severe level written to stderr: debug, info, warn, error or silent. Default: info. */
  logLevel: withDefault(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }), 'info', {
    arg: 'level',
    help: `stderr log level: ${LOG_LEVELS.join(', ')}`,
  }),
};
