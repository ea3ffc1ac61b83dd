// The pure parts of the requests, page, timeline and REPL views (no DOM): formatting, filters,
// the REPL's default session, the timeline's time window.
import type { PageSession, ProxyRequestRecord } from '@ws/events';
import { describe, expect, it } from 'vitest';
import { query } from '../src/browserApi.js';
import { formatAgo, formatBytes, formatClock, formatDuration } from '../src/format.js';
import { showValue } from '../src/page/replBox.js';
import { defaultSession } from '../src/page/sessionsList.js';
import { defaultRequestFilters, matchesRequest, requestQuery, statusClassOf } from '../src/requests/requestFilter.js';
import { timeWindow } from '../src/timeline/timeRange.js';

const record = (over: Partial<ProxyRequestRecord>): ProxyRequestRecord => ({
  id: '1',
  processId: 'dev-1',
  kind: 'http',
  method: 'GET',
  url: '/api/items?page=2',
  target: 'http://localhost:5173',
  startedAt: 1_000,
  pending: false,
  status: 200,
  durationMs: 12,
  requestBytes: 0,
  responseBytes: 1500,
  contentType: 'application/json',
  requestHeaders: {},
  responseHeaders: {},
  requestBody: null,
  responseBody: null,
  failed: false,
  error: null,
  injection: null,
  ...over,
});

describe('formatting', () => {
  it('says sizes, durations and times the way network panels do', () => {
    expect([formatBytes(0), formatBytes(999), formatBytes(1500), formatBytes(2_000_000)]).toEqual([
      '0 B',
      '999 B',
      '1.5 kB',
      '2.0 MB',
    ]);
    expect([formatDuration(null), formatDuration(12.4), formatDuration(1240), formatDuration(125_000)]).toEqual([
      '…',
      '12 ms',
      '1.24 s',
      '2 min 5 s',
    ]);
    expect(formatClock(new Date(2026, 0, 2, 3, 4, 5, 6).getTime())).toBe('03:04:05.006');
    expect(formatClock('not a time')).toBe('not a time');
    expect([formatAgo(10_000, 10_500), formatAgo(0, 12_000), formatAgo(0, 180_000), formatAgo(0, 7_200_000)]).toEqual([
      'just now',
      '12 s ago',
      '3 min ago',
      '2 h ago',
    ]);
  });
});

describe('request filters', () => {
  it('classes statuses: failed wins, 101 (a WebSocket) is a success, pending is its own', () => {
    expect(statusClassOf(record({ status: 204 }))).toBe('2xx');
    expect(statusClassOf(record({ status: 101, kind: 'websocket' }))).toBe('2xx');
    expect(statusClassOf(record({ status: 304 }))).toBe('3xx');
    expect(statusClassOf(record({ status: 404 }))).toBe('4xx');
    expect(statusClassOf(record({ status: 502, failed: true }))).toBe('failed');
    expect(statusClassOf(record({ status: 500 }))).toBe('5xx');
    expect(statusClassOf(record({ status: null, pending: true, durationMs: null }))).toBe('pending');
  });

  it('matches by status class, method, URL text (any case) and process', () => {
    const f = defaultRequestFilters();
    const ok = record({});
    const missing = record({ id: '2', status: 404, method: 'POST', url: '/API/Missing', processId: 'dev-2' });
    expect([matchesRequest(ok, f), matchesRequest(missing, f)]).toEqual([true, true]);
    f.statuses.delete('2xx');
    expect([matchesRequest(ok, f), matchesRequest(missing, f)]).toEqual([false, true]);
    // Narrowed statuses hide requests still in flight.
    expect(matchesRequest(record({ pending: true, status: null }), f)).toBe(false);
    f.statuses.add('2xx');
    f.method = 'post';
    expect([matchesRequest(ok, f), matchesRequest(missing, f)]).toEqual([false, true]);
    f.method = '';
    f.url = 'api/miss';
    expect([matchesRequest(ok, f), matchesRequest(missing, f)]).toEqual([false, true]);
    f.url = '';
    f.processId = 'dev-1';
    expect([matchesRequest(ok, f), matchesRequest(missing, f)]).toEqual([true, false]);
  });

  it('asks the server for the same filters, leaving out what is not narrowed', () => {
    const f = defaultRequestFilters();
    expect(query(requestQuery(f))).toBe('');
    f.statuses = new Set(['4xx', 'failed']);
    f.url = 'a b&c';
    expect(query({ ...requestQuery(f), limit: 50 })).toBe('?status=4xx%2Cfailed&url=a+b%26c&limit=50');
  });
});

const session = (id: string, lastSeenAt: string, over: Partial<PageSession> = {}) =>
  ({ id, url: '/', title: id, lastSeenAt, visibility: 'visible', state: 'open', ...over }) as PageSession;

describe('the REPL', () => {
  it('defaults to the most recently seen open visible page, else the most recent open one', () => {
    const a = session('aaaaaaaa', '2026-01-01T00:00:03Z', { visibility: 'hidden' });
    const b = session('bbbbbbbb', '2026-01-01T00:00:02Z');
    const c = session('cccccccc', '2026-01-01T00:00:04Z', { state: 'closed' });
    expect(defaultSession([a, b, c])?.id).toBe('bbbbbbbb');
    expect(defaultSession([a, c])?.id).toBe('aaaaaaaa');
    expect(defaultSession([c])).toBeUndefined();
  });

  it('shows values as JSON, strings quoted', () => {
    expect([showValue(2), showValue('x'), showValue(undefined), showValue(null)]).toEqual([
      '2',
      '"x"',
      'undefined',
      'null',
    ]);
    expect(showValue({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});

describe('the timeline window', () => {
  it('is relative to now for presets, open for everything, and checked when custom', () => {
    expect(timeWindow('5m', 1_000_000)).toEqual({ since: 700_000 });
    expect(timeWindow('all', 1_000_000)).toEqual({});
    const from = '2026-01-02T03:04:05';
    expect(timeWindow('custom', 0, from, '')).toEqual({ since: new Date(from).getTime(), until: undefined });
    expect(() => timeWindow('custom', 0, '2026-01-02T03:04:05', '2026-01-01T00:00:00')).toThrow(
      'from must be before to',
    );
    expect(() => timeWindow('custom', 0, 'soon')).toThrow('from is not a time: soon');
  });
});
