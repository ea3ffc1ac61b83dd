import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/lineSplitter.js';
import { LogStore, type StoredLog } from '../src/logStore.js';
import { detectPackageManager } from '../src/packageManager.js';
import { detectUrls } from '../src/urlDetector.js';

const split = (chunks: (string | Buffer)[], max?: number) => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), max);
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
};

describe('LineSplitter', () => {
  it('splits across chunks, keeps UTF-8 intact at any byte boundary, handles CRLF and a last line without newline', () => {
    const bytes = Buffer.from('héllo wörld\r\nsecond 🚀\nlast');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(split(chunks)).toEqual(['héllo wörld', 'second 🚀', 'last']);
  });

  it('keeps the last state of a \\r-rewritten progress line, and does not grow while it spins', () => {
    expect(split(['progress 10%\rprogress 50%\rprogress 100%\ndone\n'])).toEqual(['progress 100%', 'done']);
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 100);
    for (let i = 0; i < 10_000; i++) s.push(`\rspinner ${i}`);
    s.push('\n');
    expect(lines).toEqual(['spinner 9999']);
  });

  it('cuts lines at the cap, exactly at the edge, and says how much was cut', () => {
    expect(split(['x'.repeat(10), '\n'], 10)).toEqual(['x'.repeat(10)]);
    expect(split(['x'.repeat(11), '\n'], 10)).toEqual([`${'x'.repeat(10)}… [1 more characters]`]);
    expect(split(['a'.repeat(25), 'b'.repeat(25), '\nnext\n'], 10)).toEqual([
      `${'a'.repeat(10)}… [40 more characters]`,
      'next',
    ]);
  });
});

const entry = (i: number, over: Partial<StoredLog> = {}): StoredLog => ({
  id: `log-${i}`,
  processId: i % 2 ? 'odd' : 'even',
  processName: i % 2 ? 'web' : 'api',
  content: `line ${i}`,
  plain: `line ${i}`,
  timestamp: new Date(1000 * i).toISOString(),
  time: 1000 * i,
  isError: false,
  tags: [],
  priority: 0,
  level: 'info',
  ...over,
});

describe('LogStore', () => {
  it('keeps the newest lines up to capacity, evicting in O(1)', () => {
    const store = new LogStore(3);
    for (let i = 1; i <= 5; i++) store.append(entry(i));
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(2);
    expect(store.recent(10).map((e) => e.id)).toEqual(['log-3', 'log-4', 'log-5']);
    expect(() => new LogStore(0)).toThrowError(/positive integer/);
  });

  it('searches by substring, regex, process, level and time, newest kept under the limit', () => {
    const store = new LogStore(100);
    for (let i = 1; i <= 20; i++)
      store.append(entry(i, i % 5 === 0 ? { level: 'error', isError: true, plain: `ERROR at ${i}` } : {}));
    store.append(entry(21, { level: 'warn', plain: 'Warning: deprecated' }));
    expect(store.search({ query: 'error at' }).map((e) => e.id)).toEqual(['log-5', 'log-10', 'log-15', 'log-20']);
    expect(store.search({ regex: /^line 1\d$/ }).map((e) => e.id)).toHaveLength(8); // 10 and 15 are errors
    expect(store.search({ processId: 'odd', limit: 2 }).map((e) => e.id)).toEqual(['log-19', 'log-21']);
    expect(store.search({ level: 'error' })).toHaveLength(4);
    expect(store.search({ level: 'warn' })).toHaveLength(5);
    expect(store.search({ since: 18_000 }).map((e) => e.id)).toEqual(['log-18', 'log-19', 'log-20', 'log-21']);
    expect(store.search({ query: 'web', limit: 3 }).map((e) => e.processName)).toEqual(['web', 'web', 'web']);
  });
});

describe('detectPackageManager', () => {
  const project = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-pm-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  };
  it('prefers the packageManager field, then lockfiles in order, then npm', () => {
    expect(
      detectPackageManager(project({ 'package.json': '{"packageManager":"yarn@4.1.0"}', 'pnpm-lock.yaml': '' })),
    ).toEqual({ name: 'yarn', source: 'packageManager field' });
    expect(
      detectPackageManager(project({ 'package.json': '{}', 'pnpm-lock.yaml': '', 'package-lock.json': '' })).name,
    ).toBe('pnpm');
    expect(detectPackageManager(project({ 'package.json': '{}', 'yarn.lock': '' })).name).toBe('yarn');
    expect(detectPackageManager(project({ 'package.json': '{}', 'bun.lock': '' })).name).toBe('bun');
    expect(detectPackageManager(project({ 'package.json': '{}', 'bun.lockb': '' })).name).toBe('bun');
    expect(detectPackageManager(project({ 'package.json': '{}', 'package-lock.json': '' })).name).toBe('npm');
    expect(detectPackageManager(project({ 'package.json': '{}' }))).toEqual({ name: 'npm', source: 'default' });
  });
});

describe('detectUrls', () => {
  it("finds dev-server addresses in Vite's and Next's banners", () => {
    expect(detectUrls('  ➜  Local:   http://localhost:5173/')).toEqual(['http://localhost:5173/']);
    expect(detectUrls('  ➜  Network: http://192.168.1.20:5173/')).toEqual(['http://192.168.1.20:5173/']);
    expect(detectUrls('- Local: http://127.0.0.1:3000, ready.')).toEqual(['http://127.0.0.1:3000']);
    expect(detectUrls('no url here: localhost:5173')).toEqual([]);
  });
});
