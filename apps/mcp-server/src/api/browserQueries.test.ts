import { describe, expect, it } from 'vitest';
import { consoleQueryOf, queryString, requestQueryOf, timelineQueryOf } from './browserQueries.js';

describe('browser /api queries', () => {
  it('parses request filters', () => {
    expect(
      requestQueryOf({ status: '2xx,5XX,failed', method: 'post', url: '/api', since: '1700000000000', limit: '5' }),
    ).toEqual({
      ok: true,
      value: { status: ['2xx', '5xx', 'failed'], method: 'POST', url: '/api', since: 1_700_000_000_000, limit: 5 },
    });
    expect(requestQueryOf({ since: '2026-01-01T00:00:00Z' })).toEqual({
      ok: true,
      value: { since: Date.parse('2026-01-01T00:00:00Z') },
    });
    expect(requestQueryOf({})).toEqual({ ok: true, value: {} });
  });

  it('says what to fix', () => {
    const error = (parsed: { ok: boolean; error?: string }) => (parsed.ok ? 'ok' : parsed.error);
    expect(error(requestQueryOf({ status: '6xx' }))).toMatch(/status must be .*"6xx"/);
    expect(error(requestQueryOf({ limit: '1001' }))).toMatch(/limit must be a whole number from 1 to 1000/);
    expect(error(requestQueryOf({ limit: '2.5' }))).toMatch(/limit/);
    expect(error(requestQueryOf({ method: 'G T' }))).toMatch(/method/);
    expect(error(requestQueryOf({ url: 'x'.repeat(2001) }))).toMatch(/url must be at most 2000/);
    expect(error(consoleQueryOf({ level: 'loud' }))).toMatch(/level must be one of/);
    expect(error(timelineQueryOf({ since: 'soon' }))).toMatch(/since must be/);
    expect(error(timelineQueryOf({ since: '2', until: '1' }))).toMatch(/since must not be after until/);
  });

  it('writes a query back as a query string, leaving out what is unset', () => {
    expect(queryString({ status: ['2xx', '5xx'], limit: 3, url: undefined })).toBe('?status=2xx%2C5xx&limit=3');
    expect(queryString({})).toBe('');
  });
});
