import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '@ws/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessManager, type ProcessManager, type RunnerEvents } from '../src/processManager.js';

const fixture = fileURLToPath(new URL('./fixtures/project', import.meta.url));
let managers: ProcessManager[] = [];
afterEach(async () => {
  for (const m of managers) await m.close();
  managers = [];
});

function setup(options: { stopGraceMs?: number } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'ws-runner-'));
  cpSync(fixture, cwd, { recursive: true });
  const manager = createProcessManager({ cwd, packageManager: 'npm', ...options });
  managers.push(manager);
  const events: { kind: keyof RunnerEvents; payload: unknown }[] = [];
  for (const kind of ['started', 'exited', 'log', 'error', 'url'] as const)
    manager.on(kind, (payload) => events.push({ kind, payload }));
  return { cwd, manager, events };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ProcessManager', () => {
  it('runs a script: started, every line, the error with file and line, the URL, exited, in order', async () => {
    const { manager, events } = setup();
    const info = manager.runScript('hello');
    expect(info).toMatchObject({ name: 'hello', script: 'hello', command: 'npm run hello', status: 'running' });
    await until(() => events.some((e) => e.kind === 'exited'), 10_000, 'the exit');
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('exited');
    expect(events[0]?.payload).toMatchObject({
      processId: info.id,
      processName: 'hello',
      command: 'npm run hello',
      pid: info.pid,
    });
    const lines = events.filter((e) => e.kind === 'log').map((e) => e.payload as RunnerEvents['log']);
    expect(lines.map((l) => l.content)).toContain('\u001b[32mready\u001b[39m in 12ms'); // raw ANSI kept
    expect(lines.find((l) => l.content.startsWith('Warning'))).toMatchObject({
      priority: 1,
      tags: ['stderr'],
      isError: false,
    });
    const error = events.find((e) => e.kind === 'error')?.payload as RunnerEvents['error'];
    expect(error.processId).toBe(info.id);
    expect(error.error).toMatchObject({
      message: "TypeError: Cannot read properties of undefined (reading 'url')",
      file: 'hello.js',
      line: 5,
      column: 26,
    });
    expect(error.error.stack).toMatch(/at load \(.*hello\.js:5:26\)/);
    expect(lines.filter((l) => l.isError).length).toBeGreaterThan(3); // the trace lines are error lines
    expect(events.find((e) => e.kind === 'url')?.payload).toEqual({
      processId: info.id,
      processName: 'hello',
      url: 'http://localhost:5999/',
    });
    const exited = events.at(-1)?.payload as RunnerEvents['exited'];
    expect(exited).toMatchObject({ processId: info.id, exitCode: 1, signal: null });
    expect(exited.duration).toBeGreaterThan(0);
    expect(manager.get(info.id)).toMatchObject({
      status: 'exited',
      exitCode: 1,
      errorCount: 1,
      urls: ['http://localhost:5999/'],
    });
    expect(manager.errors()).toHaveLength(1);
    expect(manager.logs.search({ processId: info.id, level: 'error' }).length).toBeGreaterThan(0);
  });

  it('stop() ends the whole process group, children included, and leaves nothing behind', async () => {
    const { manager } = setup();
    const info = manager.runScript('serve');
    await until(() => manager.logs.search({ query: 'child pid' }).length === 1, 10_000, 'the child pid');
    const childPid = Number(/child pid (\d+)/.exec(manager.logs.search({ query: 'child pid' })[0]?.plain ?? '')?.[1]);
    expect(alive(childPid)).toBe(true);
    expect(manager.list({ active: true }).map((p) => p.id)).toEqual([info.id]);
    const stopped = await manager.stop(info.id);
    expect(stopped).toMatchObject({ status: 'exited', signal: 'SIGTERM' });
    await until(() => !alive(childPid), 2000, 'the grandchild to be gone');
    expect(manager.list({ active: true })).toEqual([]);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const { manager } = setup({ stopGraceMs: 300 });
    const info = manager.runScript('stubborn');
    await until(() => manager.logs.search({ query: 'stubborn started' }).length === 1, 10_000, 'start');
    const pid = Number(/pid (\d+)/.exec(manager.logs.search({ query: 'stubborn started' })[0]?.plain ?? '')?.[1]);
    const started = Date.now();
    const stopped = await manager.stop(info.id);
    // npm (the group leader) dies of SIGTERM; the node process ignoring it lives until the SIGKILL.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(stopped.status).toBe('exited');
    expect(manager.logs.search({ processId: info.id, query: 'ignoring SIGTERM' })).toHaveLength(1);
    await until(() => !alive(pid), 2000, 'the stubborn process to be gone');
  });

  it('stopAll({ graceMs }) SIGKILLs what ignores SIGTERM after that grace, sooner than a pending stop', async () => {
    const { manager } = setup({ stopGraceMs: 30_000 });
    const info = manager.runScript('stubborn');
    await until(() => manager.logs.search({ query: 'stubborn started' }).length === 1, 10_000, 'start');
    const pid = Number(/pid (\d+)/.exec(manager.logs.search({ query: 'stubborn started' })[0]?.plain ?? '')?.[1]);
    const slow = manager.stop(info.id); // 30 s grace pending
    await until(
      () => manager.logs.search({ processId: info.id, query: 'ignoring SIGTERM' }).length === 1,
      5000,
      'the SIGTERM to be ignored',
    );
    const started = Date.now();
    await manager.stopAll({ graceMs: 300 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
    expect((await slow).status).toBe('exited');
    await until(() => !alive(pid), 2000, 'the stubborn process to be gone');
    expect(manager.list({ active: true })).toEqual([]);
  });

  it('ensureRunning() returns the running process of a script instead of starting a duplicate', async () => {
    const { manager } = setup();
    const first = manager.ensureRunning('serve');
    expect(first).toMatchObject({ alreadyRunning: false, process: { script: 'serve', status: 'running' } });
    const again = manager.ensureRunning('serve');
    expect(again).toEqual({ alreadyRunning: true, process: expect.objectContaining({ id: first.process.id }) });
    expect(manager.list().filter((p) => p.script === 'serve')).toHaveLength(1);
    expect(() => manager.ensureRunning('nope')).toThrowError(/no script "nope"/);
    await manager.stop(first.process.id);
    const fresh = manager.ensureRunning('serve');
    expect(fresh.alreadyRunning).toBe(false);
    expect(fresh.process.id).not.toBe(first.process.id);
    await manager.stop(fresh.process.id);
  });

  it('restart() starts the same script as a new process', async () => {
    const { manager } = setup();
    const first = manager.runScript('serve');
    await until(
      () => manager.logs.search({ processId: first.id, query: 'listening' }).length === 1,
      10_000,
      'first start',
    );
    const second = await manager.restart(first.id);
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ script: 'serve', status: 'running' });
    expect(manager.get(first.id)?.status).toBe('exited');
    await manager.stop(second.id);
  });

  it('refuses unknown scripts and unknown processes with messages that list what exists', async () => {
    const { manager } = setup();
    expect(() => manager.runScript('nope')).toThrowError(/no script "nope" .*available: hello, serve, stubborn, quick/);
    await expect(manager.stop('ghost-1')).rejects.toThrowError(/no process "ghost-1"/);
    expect(() => manager.runCommand('  ')).toThrowError(/must not be empty/);
  });

  it('runs arbitrary commands and reports a command that cannot start', async () => {
    const { manager, events } = setup();
    const info = manager.runCommand('echo one && echo two', 'echoes');
    await until(() => manager.get(info.id)?.status === 'exited', 5000, 'the command');
    expect(manager.logs.search({ processId: info.id }).map((l) => l.plain)).toEqual(['one', 'two']);
    const missing = manager.runCommand('definitely-not-a-command-xyz');
    await until(() => manager.get(missing.id)?.status === 'exited', 5000, 'the failed command');
    expect(manager.get(missing.id)?.exitCode).toBe(127);
    expect(events.filter((e) => e.kind === 'exited')).toHaveLength(2);
  });

  it('sees package.json script changes', async () => {
    const { cwd, manager } = setup();
    const changes: Record<string, string>[] = [];
    manager.on('scripts', (s) => changes.push(s));
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
    pkg.scripts.added = 'node -e 1';
    writeFileSync(join(cwd, 'package.json'), JSON.stringify(pkg));
    await until(() => changes.length > 0, 5000, 'the change');
    expect(manager.scripts()).toHaveProperty('added', 'node -e 1');
    expect(() => manager.runScript('added')).not.toThrow();
  });

  it('killAllSync leaves no process running (for process exit)', async () => {
    const { manager } = setup();
    const a = manager.runScript('serve');
    const b = manager.runScript('stubborn');
    await until(
      () =>
        manager.logs.search({ query: 'stubborn started' }).length === 1 &&
        manager.logs.search({ query: 'listening' }).length === 1,
      10_000,
      'both',
    );
    manager.killAllSync();
    await until(() => manager.list({ active: true }).length === 0, 5000, 'everything to exit');
    expect([a, b].every((p) => p.pid !== null && !alive(p.pid))).toBe(true);
  });
});
