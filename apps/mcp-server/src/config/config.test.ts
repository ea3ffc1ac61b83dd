import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, describeConfig, isLoopback, parseConfig } from './config.js';

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

describe('parseConfig', () => {
  it('defaults to a loopback bind on 8000 with auth and CORS off', () => {
    const config = ok([]);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, stdio: false, cors: [], cwd: process.cwd() });
    expect(config.token).toBeUndefined();
  });

  it('takes flags over env over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-config-'));
    const file = join(dir, 'webstream.json');
    writeFileSync(file, JSON.stringify({ port: 7000, host: '127.0.0.2', historySize: 5, cors: ['https://a.example'] }));
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
    expect(ok([], { WEBSTREAM_STDIO: 'true', WEBSTREAM_MAX_BODY_BYTES: '1234' })).toMatchObject({
      stdio: true,
      maxBodyBytes: 1234,
    });
  });

  it('names the option and where the bad value came from', () => {
    expect(err(['--port', 'abc'])).toMatch(/^invalid --port \(from --port\)/);
    expect(err([], { WEBSTREAM_PORT: '70000' })).toMatch(/^invalid --port \(from WEBSTREAM_PORT\): .*65535/);
    expect(err(['--token', 'short'])).toMatch(/invalid --token \(from --token\): must be at least 16 characters/);
    expect(err(['--cors', 'https://ok.example/path'])).toMatch(/invalid --cors .*no path/);
    expect(err(['--cwd', '/definitely/not/here'])).toMatch(/invalid --cwd .*must be an existing directory/);
    expect(err(['--log-level', 'loud'])).toMatch(/invalid --log-level/);
    expect(err(['--bogus'])).toMatch(/unknown option '--bogus'/);
    const dir = mkdtempSync(join(tmpdir(), 'ws-config-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ prot: 1 }));
    expect(err(['--config', join(dir, 'bad.json')])).toMatch(
      /config file .*bad\.json has unknown key\(s\) prot \(known keys: host, port/,
    );
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(err(['--config', join(dir, 'broken.json')])).toMatch(/cannot read config file/);
  });

  it('prints the version with --version and -v', () => {
    expect(parseConfig(['--version'])).toEqual({ kind: 'version' });
    expect(parseConfig(['-v'])).toEqual({ kind: 'version' });
  });

  it('prints help that mentions every flag and the environment', () => {
    const r = parseConfig(['--help']);
    expect(r.kind).toBe('help');
    const text = r.kind === 'help' ? r.text : '';
    for (const flag of ['--host', '--port', '--stdio', '--token', '--cors', '--cwd']) expect(text).toContain(flag);
    expect(text).toContain('WEBSTREAM_PORT');
  });

  it('has a flag and an environment variable for every option', () => {
    const r = parseConfig(['--help']);
    const help = r.kind === 'help' ? r.text : '';
    for (const key of Object.keys(ConfigSchema.shape)) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(help, key).toContain(flag);
    }
    expect(
      ok(['--mcp-ping-ms', '500', '--redis', 'redis://127.0.0.1:6379'], { WEBSTREAM_STOP_GRACE_MS: '100' }),
    ).toMatchObject({
      mcpPingMs: 500,
      redis: 'redis://127.0.0.1:6379',
      stopGraceMs: 100,
    });
    expect(ok([], { WEBSTREAM_REDIS_URL: 'redis://h:1' }).redis).toBe('redis://h:1');
    expect(err(['--redis', 'http://x'])).toMatch(/invalid --redis .*redis:\/\/host:port/);
  });

  it('masks the token when describing the config', () => {
    const config = ok(['--token', 'a-very-secret-token-value']);
    expect(JSON.stringify(describeConfig(config))).not.toContain('a-very-secret');
  });

  it('knows loopback binds', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.1.2.3'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopback)).toBe(false);
  });
});
