import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { parseTrustProxy } from '../http/security/clientAddress.js';

const origin = z
  .string()
  .refine(
    (s) => s === '*' || /^https?:\/\/[^/\s]+$/.test(s),
    'each CORS origin must look like https://host[:port] (no path), or be *',
  );
const count = (min: number) => z.number().int().min(min);

/** The whole configuration, validated. Every field documents its default. */
export const ConfigSchema = z
  .object({
    /** Interface to bind. Default 127.0.0.1 (loopback only). */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one. Default 8000. */
    port: count(0).max(65535).default(8000),
    /** Also speak MCP over stdio (for Claude Desktop, Cursor, Claude Code). Default false. */
    stdio: z.boolean().default(false),
    /** Shared secret; when set, publishing and subscribing need it. At least 16 characters. */
    token: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Origins allowed cross-origin (CORS allowlist). Default none. `*` allows any origin without credentials. */
    cors: z.array(origin).default([]),
    /** Extra Host header names accepted (DNS-rebinding protection). Loopback names are always accepted on a loopback bind. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** The project whose scripts the server runs. Default: the working directory. */
    cwd: z
      .string()
      .min(1)
      .refine(
        (dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true,
        'must be an existing directory',
      )
      .default(process.cwd()),
    /** Largest request body in bytes. Default 65536. */
    maxBodyBytes: count(1).default(64 * 1024),
    /** Most concurrent SSE connections. Default 10000. */
    maxConnections: count(1).default(10_000),
    /** Most concurrent SSE connections from one client address. Default 100. */
    maxConnectionsPerClient: count(1).default(100),
    /**
     * Publishes per second per address for anonymous remote publishers (no token, not on this machine;
     * token bucket refill). Trusted publishers follow `trustedRateLimit`. Default 20.
     */
    rateLimit: z.number().positive().default(20),
    /** Token bucket size: the burst an anonymous remote publisher may send at once. Default 40. */
    rateBurst: count(1).default(40),
    /**
     * Publish rate limit for trusted publishers (the token's holders; loopback clients when no token is
     * set; stdio). Default: none (not limited).
     */
    trustedRateLimit: z.number().positive().optional(),
    /**
     * Which X-Forwarded-For hops to trust, so limits key on the real client address behind a reverse
     * proxy: a hop count (`1`) or comma-separated CIDRs of the proxies (`10.0.0.0/8,127.0.0.1/32`).
     * Default: off (the socket address is the client).
     */
    trustProxy: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        const parsed = parseTrustProxy(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      })
      .optional(),
    /** Messages retained for replay. Default 1000. */
    historySize: count(0).default(1000),
    /** Keep-alive comment interval in ms. Default 15000. */
    heartbeatMs: count(1000).default(15_000),
    /** Per-client queue budget in bytes. Default 524288. */
    maxQueueBytes: count(4096).default(512 * 1024),
    /** Redis URL (`redis://host:port`): scale out over a Redis stream. Default: none (in-memory). */
    redis: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must look like redis://host:port')
      .optional(),
    /** Redis stream key. Default webstream:events. */
    redisStream: z.string().min(1).default('webstream:events'),
    /** Entries the Redis stream keeps (approximately). Default 10000. */
    redisMaxLen: count(10).default(10_000),
    /** Interval of the `ping` event on MCP GET streams, in ms. Default 30000. */
    mcpPingMs: count(100).default(30_000),
    /** Most concurrent MCP sessions over HTTP. Default 100. */
    maxMcpSessions: count(1).default(100),
    /** Events each MCP session keeps for Last-Event-ID resumption (memory and Redis); older ones are announced by a gap notification. Default 1000. */
    mcpSessionEvents: count(10).default(1000),
    /** Between SIGTERM and SIGKILL when stopping a dev process, in ms. Default 5000. */
    stopGraceMs: count(0).default(5000),
    /** Log lines kept from dev processes. Default 10000. */
    logCapacity: count(100).default(10_000),
    /** stderr log level. Default info. */
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
type Key = keyof Config;

interface OptionSpec {
  key: Key;
  flag: string;
  kind: 'string' | 'number' | 'boolean' | 'list';
  description: string;
}

const OPTIONS: OptionSpec[] = [
  { key: 'host', flag: '--host <host>', kind: 'string', description: 'interface to bind (default 127.0.0.1)' },
  { key: 'port', flag: '--port <port>', kind: 'number', description: 'TCP port, 0 for any free one (default 8000)' },
  { key: 'stdio', flag: '--stdio', kind: 'boolean', description: 'also speak MCP over stdio (for desktop AI clients)' },
  {
    key: 'token',
    flag: '--token <token>',
    kind: 'string',
    description: 'require this secret to publish and subscribe (prefer WEBSTREAM_TOKEN)',
  },
  {
    key: 'cors',
    flag: '--cors <origins>',
    kind: 'list',
    description: 'comma-separated CORS allowlist, e.g. https://app.example (default none)',
  },
  {
    key: 'allowedHosts',
    flag: '--allowed-hosts <hosts>',
    kind: 'list',
    description: 'extra Host names to accept (DNS-rebinding protection)',
  },
  {
    key: 'cwd',
    flag: '--cwd <dir>',
    kind: 'string',
    description: 'project whose scripts to run (default: working directory)',
  },
  {
    key: 'maxBodyBytes',
    flag: '--max-body-bytes <n>',
    kind: 'number',
    description: 'largest request body (default 65536)',
  },
  {
    key: 'maxConnections',
    flag: '--max-connections <n>',
    kind: 'number',
    description: 'most SSE connections (default 10000)',
  },
  {
    key: 'maxConnectionsPerClient',
    flag: '--max-connections-per-client <n>',
    kind: 'number',
    description: 'most SSE connections per client address (default 100)',
  },
  {
    key: 'rateLimit',
    flag: '--rate-limit <perSecond>',
    kind: 'number',
    description: 'publishes per second per anonymous remote client (default 20)',
  },
  {
    key: 'rateBurst',
    flag: '--rate-burst <n>',
    kind: 'number',
    description: 'publish burst per anonymous remote client (default 40)',
  },
  {
    key: 'trustedRateLimit',
    flag: '--trusted-rate-limit <perSecond>',
    kind: 'number',
    description: 'publishes per second for token holders and local clients (default: not limited)',
  },
  {
    key: 'trustProxy',
    flag: '--trust-proxy <hops|cidrs>',
    kind: 'string',
    description: "trust X-Forwarded-For: a hop count (1) or the proxies' comma-separated CIDRs (default off)",
  },
  {
    key: 'historySize',
    flag: '--history-size <n>',
    kind: 'number',
    description: 'messages kept for replay (default 1000)',
  },
  {
    key: 'heartbeatMs',
    flag: '--heartbeat-ms <ms>',
    kind: 'number',
    description: 'keep-alive interval (default 15000)',
  },
  {
    key: 'maxQueueBytes',
    flag: '--max-queue-bytes <n>',
    kind: 'number',
    description: 'per-client queue budget (default 524288)',
  },
  {
    key: 'redis',
    flag: '--redis <url>',
    kind: 'string',
    description:
      'scale out over Redis Streams, e.g. redis://127.0.0.1:6379 (default: in-memory; env WEBSTREAM_REDIS_URL)',
  },
  {
    key: 'redisStream',
    flag: '--redis-stream <key>',
    kind: 'string',
    description: 'Redis stream key (default webstream:events)',
  },
  {
    key: 'redisMaxLen',
    flag: '--redis-max-len <n>',
    kind: 'number',
    description: 'entries the Redis stream keeps, approximately (default 10000)',
  },
  {
    key: 'mcpPingMs',
    flag: '--mcp-ping-ms <ms>',
    kind: 'number',
    description: 'ping event interval on MCP GET streams (default 30000)',
  },
  {
    key: 'maxMcpSessions',
    flag: '--max-mcp-sessions <n>',
    kind: 'number',
    description: 'most MCP sessions over HTTP (default 100)',
  },
  {
    key: 'mcpSessionEvents',
    flag: '--mcp-session-events <n>',
    kind: 'number',
    description: 'events kept per MCP session for resumption; older ones get a gap notification (default 1000)',
  },
  {
    key: 'stopGraceMs',
    flag: '--stop-grace-ms <ms>',
    kind: 'number',
    description: 'SIGTERM to SIGKILL grace when stopping a dev process (default 5000)',
  },
  {
    key: 'logCapacity',
    flag: '--log-capacity <n>',
    kind: 'number',
    description: 'dev-process log lines kept (default 10000)',
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    kind: 'string',
    description: 'debug | info | warn | error | silent (default info)',
  },
];

const flagName = (spec: OptionSpec) => spec.flag.split(' ')[0] as string;
const envName = (key: string) =>
  key === 'redis' ? 'WEBSTREAM_REDIS_URL' : `WEBSTREAM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

function convert(spec: OptionSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'number':
      return raw.trim() === '' ? Number.NaN : Number(raw);
    case 'boolean':
      if (/^(1|true|yes)$/i.test(raw)) return true;
      if (/^(0|false|no|)$/i.test(raw)) return false;
      return raw;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

const ENV_HELP = `Every option can also come from the environment (${envName('port')}, ${envName('token')}, ${envName('maxBodyBytes')}, ...)
or from the JSON file given with --config (keys: ${OPTIONS.map((o) => o.key).join(', ')}).
Precedence: flags, then environment, then file.`;

/** Result of {@link parseConfig}. */
export type ParseResult =
  | { kind: 'ok'; config: Config }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

/**
 * Builds the config from CLI flags, `WEBSTREAM_*` env and an optional JSON file (`--config` or
 * `WEBSTREAM_CONFIG`), in that order of precedence. Errors name the option and where it came from.
 */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParseResult {
  const program = new Command('webstream')
    .description('Push real-time events to web pages (SSE at /stream) and AI assistants (MCP).')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .helpOption('-h, --help', 'show this help')
    .option('-v, --version', 'print the version and exit')
    .option('--config <file>', 'JSON config file (keys as in the README)');
  for (const spec of OPTIONS) program.addOption(new Option(spec.flag, spec.description));
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        return { kind: 'help', text: `${program.helpInformation()}\n${ENV_HELP}\n` };
      }
      return { kind: 'error', message: `${error.message.replace(/^error: /, '')} (see webstream --help)` };
    }
    throw error;
  }
  const flags = program.opts<Record<string, unknown>>();
  if (flags.version === true) return { kind: 'version' };
  const merged: Record<string, unknown> = {};
  const source: Record<string, string> = {};

  const file = (flags.config as string | undefined) ?? env.WEBSTREAM_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
    } catch (error) {
      return { kind: 'error', message: `cannot read config file ${file}: ${(error as Error).message}` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { kind: 'error', message: `config file ${file} must contain a JSON object` };
    }
    for (const [key, value] of Object.entries(parsed)) {
      merged[key] = value;
      source[key] = `config file key "${key}"`;
    }
  }
  for (const spec of OPTIONS) {
    const raw = env[envName(spec.key)];
    if (raw !== undefined) {
      merged[spec.key] = convert(spec, raw);
      source[spec.key] = envName(spec.key);
    }
  }
  for (const spec of OPTIONS) {
    const value = flags[spec.key];
    if (value === undefined) continue;
    merged[spec.key] = typeof value === 'string' ? convert(spec, value) : value;
    source[spec.key] = flagName(spec);
  }

  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    if (issue.code === 'unrecognized_keys') {
      // Only a config file can carry keys of its own choosing.
      return {
        kind: 'error',
        message: `config file ${file} has unknown key(s) ${issue.keys.join(', ')} (known keys: ${OPTIONS.map((o) => o.key).join(', ')})`,
      };
    }
    const key = String(issue.path[0] ?? '');
    const spec = OPTIONS.find((o) => o.key === key);
    const where = source[key] ?? (spec ? flagName(spec) : key);
    const what = issue.message;
    const name = spec ? flagName(spec) : key || 'config';
    return { kind: 'error', message: `invalid ${name} (from ${where}): ${what}` };
  }
  return { kind: 'ok', config: result.data };
}

/** The config as printed at start: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    token: config.token === undefined ? undefined : '********',
    redis: config.redis?.replace(/\/\/[^@/]*@/, '//********@'),
  };
}

/** Whether `host` is a loopback bind. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
