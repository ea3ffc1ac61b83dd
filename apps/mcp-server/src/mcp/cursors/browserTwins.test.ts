import type { StreamMessage } from '@ws/events';
import { describe, expect, it } from 'vitest';
import { pageTwin, requestsTwin } from './browserTwins.js';

const message = (channel: string, data: unknown, id = '1-0'): StreamMessage =>
  ({ id, timestamp: '2026-12-02T10:00:01.234Z', channel, type: 'info', priority: 'normal', data }) as StreamMessage;

const request = (status: number | null, failed = false) => ({
  kind: 'request',
  record: {
    method: 'GET',
    url: '/api/items?x=1',
    status,
    durationMs: 12.4,
    failed,
    error: failed ? { kind: 'connection_refused', message: 'ECONNREFUSED' } : null,
    processId: 'dev-1',
  },
});

describe('browser read twins (the proxy and browser channels)', () => {
  it('requests_read: one line per request, failures named; failedOnly keeps failures and 4xx/5xx', () => {
    expect(requestsTwin({}).row(message('proxy', request(200)))?.line).toBe(
      '10:00:01.234 GET /api/items?x=1 → 200 in 12 ms',
    );
    expect(requestsTwin({}).row(message('proxy', request(null, true)))?.line).toBe(
      '10:00:01.234 GET /api/items?x=1 → failed (connection_refused: ECONNREFUSED)',
    );
    expect(requestsTwin({ failedOnly: true }).row(message('proxy', request(200)))).toBeUndefined();
    expect(requestsTwin({ failedOnly: true }).row(message('proxy', request(500)))?.line).toMatch(/→ 500 in 12 ms$/);
    expect(requestsTwin({}).row(message('logs', request(200)))).toBeUndefined();
    expect(requestsTwin({}).row(message('proxy', { kind: 'mapping' }))).toBeUndefined();
  });

  it('page_read: page errors with their place and count, console lines, sessions', () => {
    const error = {
      kind: 'error',
      sessionId: 's1',
      group: {
        name: 'TypeError',
        message: 'x is undefined',
        file: 'src/App.tsx',
        line: 42,
        column: 15,
        count: 3,
        url: 'http://127.0.0.1:5173/',
      },
    };
    expect(pageTwin.row(message('browser', error))?.line).toBe(
      '10:00:01.234 page error TypeError: x is undefined (src/App.tsx:42:15) [3 so far] on http://127.0.0.1:5173/',
    );
    const consoleLine = { kind: 'console', entry: { level: 'warn', text: 'deprecated', url: '/' } };
    expect(pageTwin.row(message('browser', consoleLine))?.line).toBe('10:00:01.234 console.warn deprecated');
    const session = { kind: 'session', event: 'started', session: { id: 's1', url: 'http://127.0.0.1:5173/' } };
    expect(pageTwin.row(message('browser', session))?.line).toBe(
      '10:00:01.234 page opened: http://127.0.0.1:5173/ (s1)',
    );
    expect(pageTwin.row(message('browser', { kind: 'nope' }))).toBeUndefined();
  });
});
