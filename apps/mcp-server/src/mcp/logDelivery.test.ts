import { type LogEntry, NotificationMethod } from '@ws/events';
import { describe, expect, it } from 'vitest';
import { devNotification } from './logDelivery.js';

const line = (content: string, extra: Partial<LogEntry> = {}): LogEntry => ({
  id: 'log-1',
  processId: 'dev-1',
  processName: 'dev',
  content,
  timestamp: '2026-12-02T10:00:00.000Z',
  isError: false,
  tags: ['stdout'],
  priority: 0,
  ...extra,
});
const logsNew = (l: LogEntry) => ({ method: NotificationMethod.logsNew, params: l }) as const;

describe('devNotification: one notification per line, in the form the client asked for', () => {
  it('without a level: the line as notifications/logs/new, every line', () => {
    const event = logsNew(line('hello'));
    expect(devNotification(event, undefined)).toEqual(event);
  });

  it('with a level: notifications/message at the line level, below the level nothing', () => {
    const error = line('Error: boom', { isError: true, priority: 2, tags: ['stderr'] });
    expect(devNotification(logsNew(error), 'warning')).toEqual({
      method: 'notifications/message',
      params: { level: 'error', logger: 'dev', data: error },
    });
    expect(devNotification(logsNew(line('hello')), 'warning')).toBeUndefined();
    expect(devNotification(logsNew(line('hello')), 'debug')?.params).toMatchObject({ level: 'info' });
  });

  it('other dev events go as they are, whatever the level', () => {
    const exited = {
      method: NotificationMethod.processExited,
      params: { processId: 'dev-1', processName: 'dev', exitCode: 1, signal: null, duration: 5 },
    } as const;
    expect(devNotification(exited, 'error')).toEqual(exited);
  });
});
