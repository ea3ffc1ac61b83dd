import { freePort } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { json, post, startTestServer } from './helpers.js';

describe('503s say what is unavailable, in JSON, with Retry-After', () => {
  it('while the Redis backend is away: push, history and /health', async () => {
    await using server = await startTestServer({ redis: `redis://127.0.0.1:${await freePort()}` });
    const pushed = await post(`${server.url}/api/push`, { message: 'x' });
    expect(pushed.status).toBe(503);
    expect(pushed.headers.get('retry-after')).toBe('5');
    expect((await json(pushed)).error).toMatch(/^message not accepted: Redis is unavailable/);
    const history = await fetch(`${server.url}/api/history`);
    expect(history.status).toBe(503);
    expect(history.headers.get('retry-after')).toBe('5');
    expect((await json(history)).error).toMatch(/^history not available: Redis is unavailable/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('5');
    expect(await json(health)).toMatchObject({
      status: 'degraded',
      error: expect.stringMatching(/Redis backend is unavailable/),
      backend: { type: 'redis', up: false },
    });
  }, 20_000);

  it('while the Redis backend is away: the delivery report (GET /api/messages/:id) is a 503, not a 500', async () => {
    await using server = await startTestServer({ redis: `redis://127.0.0.1:${await freePort()}` });
    const report = await fetch(`${server.url}/api/messages/1-0`);
    expect(report.status).toBe(503);
    expect(report.headers.get('retry-after')).toBe('5');
    expect((await json(report)).error).toMatch(/^delivery report not available: .*unavailable/);
  }, 20_000);
});
