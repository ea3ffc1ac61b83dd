import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REDIS_MAX_LEN, DEFAULT_REDIS_STREAM } from '@ws/redis';
import { DEFAULT_LOG_CAPACITY, DEFAULT_STOP_GRACE_MS } from '@ws/runner';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HISTORY_MAX_EVENTS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_QUEUE_BYTES,
} from '@ws/sse-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_EVENTS } from '../mcp/http/sessionEventLogs.js';
import { ACCESS_OPTIONS } from './accessOptions.js';
import { BRIDGE_OPTIONS } from './bridgeOptions.js';
import { BROWSER_OPTIONS } from './browserOptions.js';
import {
  type Config,
  ConfigSchema,
  describeConfig,
  isLoopback,
  OPTIONS,
  type OptionKey,
  parseConfig,
} from './config.js';
import { LIMIT_OPTIONS } from './limitOptions.js';
import { MCP_OPTIONS } from './mcpOptions.js';
import { defaultTextOf, envOf, flagOf, flagSyntax } from './optionSpec.js';
import { OPTION_ENTRIES } from './options.js';
import { configTable, README_PATH, readmeConfigTable, TABLE_END, TABLE_START, withConfigTable } from './readmeTable.js';
import { SERVER_OPTIONS } from './serverOptions.js';
import { STREAM_OPTIONS } from './streamOptions.js';

const ok = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = parseConfig(argv, env);
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.config;
};
const err = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = parseConfig(argv, env);
  if (r.kind !== 'error') throw new Error(`expected an error, got ${r.kind}`);
  return r.message;
};
const help = () => {
  const r = parseConfig(['--help']);
  if (r.kind !== 'help') throw new Error(`expected help, got ${r.kind}`);
  return r.text;
};
const configFile = (content: unknown, name = 'webstream.json') => {
  const file = join(mkdtempSync(join(tmpdir(), 'ws-config-')), name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const JWKS_FILE = configFile({ keys: [] }, 'jwks.json');

/** A valid value other than the default for every option, as a flag or env would write it. */
const SAMPLES: Record<OptionKey, string> = {
  host: '127.0.0.2',
  port: '9001',
  stdio: 'true',
  token: 'a-token-of-sixteen-or-more',
  jwtSecret: 'a-jwt-secret-of-thirty-two-or-more-chars',
  jwtJwks: JWKS_FILE,
  jwtIssuer: 'https://issuer.example',
  jwtAudience: 'webstream',
  anonymousSubscribe: 'news.*,public',
  cors: 'https://a.example,https://b.example',
  allowedHosts: 'app.example',
  trustProxy: '10.0.0.0/8',
  cwd: tmpdir(),
  logLevel: 'debug',
  maxBodyBytes: '1234',
  maxConnections: '50',
  maxConnectionsPerClient: '5',
  rateLimit: '2.5',
  rateBurst: '7',
  trustedRateLimit: '500',
  historySize: '10',
  heartbeatMs: '2000',
  maxQueueBytes: '8192',
  redis: 'redis://127.0.0.1:6379',
  redisStream: 'other:events',
  redisMaxLen: '20',
  mcpPingMs: '500',
  maxMcpSessions: '3',
  mcpSessionEvents: '20',
  channels: 'true',
  stopGraceMs: '100',
  logCapacity: '200',
  noProxy: 'true',
  proxyMap: 'http://localhost:3000=4100,http://127.0.0.1:5173',
  noRepl: 'true',
  consoleLevel: 'warn',
  redactHeaders: 'x-api-key,x-secret',
  recordBodies: 'true',
  maxProxyRequests: '50',
  bridges: JSON.stringify([
    { kind: 'nats', name: 'n1', url: '127.0.0.1:4222', egress: {}, access: { publish: ['*'], subscribe: ['*'] } },
  ]),
};
const sampleValue = (key: OptionKey): unknown => {
  const spec = OPTIONS[key];
  const raw = SAMPLES[key];
  if (key === 'bridges') return JSON.parse(raw);
  if (spec.kind === 'list') return raw.split(',');
  if (spec.kind === 'number') return Number(raw);
  if (spec.kind === 'boolean') return raw === 'true';
  return raw;
};
const resolvedDefault = (key: OptionKey) => {
  const value = OPTIONS[key].default;
  return typeof value === 'function' ? value() : value;
};

describe('the option table', () => {
  it('gives every option its own flag and environment variable, and both set it', () => {
    expect(Object.keys(ConfigSchema.shape)).toEqual(Object.keys(OPTIONS));
    const groups = [
      SERVER_OPTIONS,
      ACCESS_OPTIONS,
      LIMIT_OPTIONS,
      STREAM_OPTIONS,
      MCP_OPTIONS,
      BROWSER_OPTIONS,
      BRIDGE_OPTIONS,
    ].flatMap((g) => Object.keys(g));
    expect(groups, 'an option defined in two groups').toEqual(Object.keys(OPTIONS));
    const flags = OPTION_ENTRIES.map(([key]) => flagOf(key));
    const envs = OPTION_ENTRIES.map(([key, spec]) => envOf(key, spec));
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
    for (const [key, spec] of OPTION_ENTRIES) {
      const expected = sampleValue(key);
      expect(expected, key).not.toEqual(resolvedDefault(key));
      const argv = spec.kind === 'boolean' ? [flagOf(key)] : [flagOf(key), SAMPLES[key]];
      expect(ok(argv)[key], `${flagOf(key)}`).toEqual(expected);
      expect(ok([], { [envOf(key, spec)]: SAMPLES[key] })[key], envOf(key, spec)).toEqual(expected);
      expect(ok(['--config', configFile({ [key]: expected })])[key], `file key ${key}`).toEqual(expected);
    }
  });

  it('takes switches only without a value, every other option with one', () => {
    for (const [key, spec] of OPTION_ENTRIES) expect(spec.arg === undefined, key).toBe(spec.kind === 'boolean');
  });

  it("takes defaults from the libraries' DEFAULT_* constants, and every default passes its own validation", () => {
    expect(ok([])).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      stdio: false,
      cors: [],
      cwd: process.cwd(),
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      heartbeatMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
      maxQueueBytes: DEFAULT_MAX_QUEUE_BYTES,
      historySize: DEFAULT_HISTORY_MAX_EVENTS,
      redisStream: DEFAULT_REDIS_STREAM,
      redisMaxLen: DEFAULT_REDIS_MAX_LEN,
      stopGraceMs: DEFAULT_STOP_GRACE_MS,
      logCapacity: DEFAULT_LOG_CAPACITY,
      mcpSessionEvents: DEFAULT_SESSION_EVENTS,
    } satisfies Partial<Config>);
    for (const [key, spec] of OPTION_ENTRIES) {
      if (spec.default === undefined) expect(ok([])[key], key).toBeUndefined();
      else expect(spec.check.safeParse(resolvedDefault(key)).success, key).toBe(true);
    }
  });

  it('documents every option with its default written out in its JSDoc', () => {
    const dir = new URL('.', import.meta.url);
    const source = readdirSync(dir)
      .filter((name) => /Options\.ts$/.test(name))
      .map((name) => readFileSync(new URL(name, dir), 'utf8'))
      .join('\n');
    for (const [key, spec] of OPTION_ENTRIES) {
      const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*\\n\\s*${key}:`).exec(source)?.[1];
      expect(doc, `JSDoc of ${key}`).toBeDefined();
      const text = (doc ?? '').replace(/\s*\n\s*\*\s*/g, ' ').replaceAll('`', '');
      expect(text, `JSDoc of ${key}`).toContain(`Default: ${defaultTextOf(spec)}.`);
    }
  });

  it('lists every option in --help with its flag, default and environment variable', () => {
    const text = help().replace(/\s+/g, ' ');
    expect(parseConfig(['-h'])).toEqual({ kind: 'help', text: help() });
    for (const [key, spec] of OPTION_ENTRIES) {
      expect(text).toContain(flagSyntax(key, spec));
      expect(text).toContain(`default: ${defaultTextOf(spec)}`);
      expect(text).toContain(`env ${envOf(key, spec)}`);
    }
    expect(text).toContain('--config <file>');
    expect(text).toContain('WEBSTREAM_CONFIG');
    expect(text).toContain('Precedence: flags, then environment, then file');
  });
});

describe('the README', () => {
  it('has the Configuration table generated from the option table (pnpm --filter @ws/mcp-server config:readme)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    const current = readmeConfigTable(readme);
    expect(current).toMatchObject({ ok: true });
    expect(current.ok && current.table, 'README drifted: run pnpm --filter @ws/mcp-server config:readme').toBe(
      configTable(),
    );
  });

  it('gets one row per option with flag, env, file key and default', () => {
    const rows = configTable().split('\n');
    expect(rows).toHaveLength(OPTION_ENTRIES.length + 3);
    for (const [key, spec] of OPTION_ENTRIES) {
      const row = rows.find((r) => r.startsWith(`| \`${flagSyntax(key, spec).replaceAll('|', '\\|')}\` |`));
      expect(row, key).toContain(`| \`${envOf(key, spec)}\` | \`${key}\` |`);
      expect(row, key).toContain(defaultTextOf(spec));
    }
  });

  it('regenerates only between the markers of the Configuration section, and refuses without them', () => {
    const readme = `# x\n\n### Configuration\n\nprose\n\n${TABLE_START}\nold\n${TABLE_END}\n\n### Next\n\n${TABLE_START}\nkeep\n${TABLE_END}\n`;
    const once = withConfigTable(readme);
    expect(once).toBe(readme.replace('old', configTable()));
    expect(withConfigTable(once)).toBe(once);
    expect(() => withConfigTable('# x\n\n### Configuration\n\nno table\n')).toThrow(/lacks the markers/);
    expect(() => withConfigTable(`### Other\n${TABLE_START}\n${TABLE_END}\n`)).toThrow(/no "### Configuration"/);
  });
});

describe('parseConfig', () => {
  it('takes flags over env over the config file', () => {
    const file = configFile({ port: 7000, host: '127.0.0.2', historySize: 5, cors: ['https://a.example'] });
    const config = ok(['--config', file, '--port', '9000', '--stdio'], {
      WEBSTREAM_PORT: '8500',
      WEBSTREAM_HOST: '127.0.0.3',
      WEBSTREAM_CORS: 'https://b.example, https://c.example',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.3',
      historySize: 5,
      stdio: true,
      cors: ['https://b.example', 'https://c.example'],
    });
    expect(ok([], { WEBSTREAM_CONFIG: file }).port).toBe(7000);
    expect(ok(['--config', file], { WEBSTREAM_CONFIG: configFile({ port: 1 }) }).port).toBe(7000);
    // A bad value that a stronger source overrides is never looked at.
    const bad = configFile({ port: 'eighty' });
    expect(ok(['--config', bad], { WEBSTREAM_PORT: '80' }).port).toBe(80);
    expect(ok(['--config', bad, '--port', '81'], { WEBSTREAM_PORT: 'x' }).port).toBe(81);
  });

  it('reads switches and lists from text', () => {
    expect(ok([], { WEBSTREAM_STDIO: 'yes' }).stdio).toBe(true);
    expect(ok([], { WEBSTREAM_STDIO: '0' }).stdio).toBe(false);
    expect(ok([], { WEBSTREAM_ALLOWED_HOSTS: ' a.example, ,b.example ' }).allowedHosts).toEqual([
      'a.example',
      'b.example',
    ]);
  });

  it('names the option and the flag, variable or file key the bad value came from', () => {
    expect(err(['--port', 'abc'])).toBe('invalid --port (from --port): must be a number, got "abc"');
    expect(err([], { WEBSTREAM_PORT: '70000' })).toBe('invalid --port (from WEBSTREAM_PORT): must be at most 65535');
    const file = configFile({ port: '80' });
    expect(err(['--config', file])).toBe(
      `invalid --port (from config file ${file}, key "port"): must be a number, got "80"`,
    );
    expect(err([], { WEBSTREAM_CONFIG: configFile({ cors: 'https://a.example' }) })).toMatch(
      /^invalid --cors \(from config file .*, key "cors"\): must be a list/,
    );
    expect(err(['--token', 'short'])).toBe('invalid --token (from --token): must be at least 16 characters');
    expect(err(['--cors', 'https://ok.example/path'])).toMatch(/^invalid --cors \(from --cors\): .*no path/);
    expect(err(['--cwd', '/definitely/not/here'])).toMatch(/^invalid --cwd .*must be an existing directory/);
    expect(err(['--log-level', 'loud'])).toBe(
      'invalid --log-level (from --log-level): must be one of debug, info, warn, error, silent',
    );
    expect(err([], { WEBSTREAM_STDIO: 'maybe' })).toBe(
      'invalid --stdio (from WEBSTREAM_STDIO): must be true or false, got "maybe"',
    );
    expect(err(['--heartbeat-ms', '1.5'])).toMatch(/^invalid --heartbeat-ms \(from --heartbeat-ms\): must be a whole/);
    expect(err(['--heartbeat-ms', '10'])).toMatch(/must be at least 1000$/);
    expect(err(['--rate-limit', '0'])).toMatch(/^invalid --rate-limit .*must be above 0/);
    expect(err(['--trust-proxy', 'not-a-cidr'])).toMatch(/^invalid --trust-proxy \(from --trust-proxy\): /);
    expect(err(['--redis', 'http://x'])).toMatch(/^invalid --redis .*redis:\/\/host:port/);
    expect(err([], { WEBSTREAM_REDIS_URL: 'http://x' })).toMatch(/^invalid --redis \(from WEBSTREAM_REDIS_URL\)/);
    expect(err(['--bogus'])).toMatch(/unknown option '--bogus' \(see webstream --help\)/);
    expect(err(['--port'])).toMatch(/argument missing/);
  });

  it('names the config file when it cannot be read or has keys that are no option', () => {
    const file = configFile({ prot: 1, 'max-body-bytes': 2 }, 'bad.json');
    expect(err(['--config', file])).toBe(
      `config file ${file} has unknown key(s) prot, max-body-bytes (did you mean "maxBodyBytes"?) (known keys: ${Object.keys(OPTIONS).join(', ')})`,
    );
    expect(err(['--config', configFile('{', 'broken.json')])).toMatch(/^cannot read config file .*broken\.json: /);
    expect(err([], { WEBSTREAM_CONFIG: '/definitely/not/here.json' })).toMatch(
      /^cannot read config file \/definitely\/not\/here\.json: /,
    );
    expect(err(['--config', configFile([1, 2])])).toMatch(/^config file .* must contain a JSON object$/);
  });

  it('asks for the version with --version and -v', () => {
    expect(parseConfig(['--version'])).toEqual({ kind: 'version' });
    expect(parseConfig(['-v'])).toEqual({ kind: 'version' });
  });
});

describe('describeConfig', () => {
  it('masks the token and the credentials of the Redis URL', () => {
    const config = ok(['--token', 'a-very-secret-token-value', '--redis', 'redis://user:hunter2@127.0.0.1:6379']);
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain('a-very-secret');
    expect(text).not.toContain('hunter2');
    expect(describeConfig(config)).toMatchObject({ redis: 'redis://********@127.0.0.1:6379', port: 8000 });
  });
});

describe('isLoopback', () => {
  it('knows loopback binds', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
