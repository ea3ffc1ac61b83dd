import { LogEntrySchema } from '@ws/events';
import { afterEach, describe, expect, it } from 'vitest';
import { atLeast, LOG_LEVEL_RANK, levelOf } from '../src/logLevel.js';
import type { StoredLog } from '../src/logStore.js';
import { createProcessManager, type ProcessManager, type RunnerEvents } from '../src/processManager.js';
import { copyFixture, until } from './helpers.js';

describe('log levels', () => {
  it('rank info < warn < error; atLeast compares, any level passes without a minimum', () => {
    expect(LOG_LEVEL_RANK).toEqual({ info: 0, warn: 1, error: 2 });
    expect(Object.isFrozen(LOG_LEVEL_RANK)).toBe(true);
    expect(atLeast('error', 'warn')).toBe(true);
    expect(atLeast('warn', 'warn')).toBe(true);
    expect(atLeast('info', 'warn')).toBe(false);
    expect(atLeast('info', undefined)).toBe(true);
    expect(levelOf('Warning: deprecated', false)).toBe('warn');
    expect(levelOf('a warning', true)).toBe('error');
    expect(levelOf('forewarned', false)).toBe('info');
  });
});

describe('log listeners', () => {
  let manager: ProcessManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('get the wire entry (raw ANSI) and the stored line (plain text, level) of each line', async () => {
    manager = createProcessManager({ cwd: copyFixture('project'), packageManager: 'npm' });
    const seen: [RunnerEvents['log'], StoredLog][] = [];
    manager.on('log', (entry, line) => seen.push([entry, line]));
    const info = manager.runScript('hello');
    await until(() => manager?.get(info.id)?.status === 'exited', 10_000, 'the script to exit');
    const ready = seen.find(([entry]) => entry.content.includes('ready'));
    expect(ready?.[0].content).toBe('\u001b[32mready\u001b[39m in 12ms');
    expect(ready?.[1]).toMatchObject({ plain: 'ready in 12ms', level: 'info', content: ready?.[0].content });
    // The entry is exactly the notifications/logs/new payload: nothing to strip before sending it.
    for (const [entry] of seen) expect(Object.keys(entry).sort()).toEqual(Object.keys(LogEntrySchema.shape).sort());
    const warning = seen.find(([entry]) => entry.content.startsWith('Warning'));
    expect(warning?.[1].level).toBe('warn');
    expect(warning?.[0].priority).toBe(LOG_LEVEL_RANK.warn);
    const errors = seen.filter(([, line]) => line.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map(([entry]) => entry.priority)).toEqual(errors.map(() => LOG_LEVEL_RANK.error));
  });
});
