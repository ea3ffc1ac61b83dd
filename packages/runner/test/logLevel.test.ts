import { LogEntrySchema } from '@ws/events';
import { afterEach, describe, expect, it } from 'vitest';
import { matchesLog, plainText } from '../src/logFilter.js';
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

describe('matchesLog', () => {
  const wire = {
    id: 'log-1',
    processId: 'web-1',
    processName: 'web',
    content: '\u001b[33mWarning:\u001b[39m port 5173 is in use',
    timestamp: new Date(0).toISOString(),
    isError: false,
    tags: ['stderr'],
    priority: LOG_LEVEL_RANK.warn,
  };

  it('filters a wire entry by process, minimum level and a regex on its plain text', () => {
    expect(plainText(wire.content)).toBe('Warning: port 5173 is in use');
    expect(matchesLog(wire, {})).toBe(true);
    expect(matchesLog(wire, { processId: 'web-1', level: 'warn', regex: /^warning: port \d+/i })).toBe(true);
    expect(matchesLog(wire, { processId: 'api-2' })).toBe(false);
    expect(matchesLog(wire, { level: 'error' })).toBe(false);
    expect(matchesLog(wire, { level: 'info' })).toBe(true);
    expect(matchesLog(wire, { regex: /\[33m/ })).toBe(false); // the escapes are not part of the text
    const global = /port/g;
    expect([matchesLog(wire, { regex: global }), matchesLog(wire, { regex: global })]).toEqual([true, true]);
  });

  it("uses a stored line's plain text as it is", () => {
    const stored = { ...wire, plain: 'already plain', level: 'warn' as const, time: 0 };
    expect(matchesLog(stored, { regex: /^already plain$/ })).toBe(true);
    expect(matchesLog(stored, { regex: /port/ })).toBe(false);
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
