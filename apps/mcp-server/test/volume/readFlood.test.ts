// Volume: a flood of 10,000 log lines, and what the read and search tools answer by default.
// `pnpm test` runs this; `pnpm test:fast` does not.
import { cleanupAfterEach, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_BYTES } from '../../src/mcp/budget/budget.js';
import { startTestServer, WAIT_MS } from '../helpers.js';
import { connectMcp } from '../mcpClient.js';
import { floodProject, read } from '../readTools.js';

const defer = cleanupAfterEach();

describe('token budget under a flood (official SDK client over HTTP)', () => {
  it('a flood of 10,000 lines: a bounded answer with a cursor by default, duplicates collapsed, ANSI stripped', async () => {
    const dir = floodProject();
    await using server = await startTestServer({ cwd: dir, historySize: 20_000 });
    const { client } = await connectMcp(server.url, {}, defer);
    const start = await read(client, 'logs_read');
    await client.callTool({ name: 'scripts_run', arguments: { name: 'flood', waitMs: 20_000 } });
    await until(
      () => server.dev.runner.list().some((p) => p.name === 'flood' && p.status !== 'running'),
      WAIT_MS,
      'flood to exit',
    );
    const tail = await read(client, 'logs_read');
    const since = await read(client, 'logs_read', { cursor: start.structured.cursor });
    const page = await read(client, 'logs_read', { cursor: start.structured.cursor, oldest: true });
    for (const answer of [tail, since, page]) {
      expect(answer.bytes).toBeLessThanOrEqual(DEFAULT_READ_BYTES);
      expect(answer.text).toMatch(/cursor: wsc1\.\S+/);
      expect(answer.text).not.toContain('\u001b');
    }
    // The memory log keeps 4 MiB: the oldest lines of the flood are gone, and the answer says so.
    const held = since.structured.total;
    if (held < 10_000) expect(since.text).toMatch(/^Some entries are gone/);
    else expect(held).toBe(10_000 + 2); // the flood and npm's two header lines
    expect(since.text).toMatch(
      /\[flood\] GET \/api\/items\/6000 200 in 83 ms\n.*\[flood\] WARN warn retrying connection to db \(×4000\)\n/,
    );
    expect(tail.text).toMatch(/warn retrying connection to db \(×4000\)/);
    expect(page.text).toMatch(/GET \/api\/items\/\d+ 200/);
    expect(page.structured.more).toBe(true);
    // The search tools keep to the budget too: 1,000 matches asked for, the newest that fit shown.
    const search = await read(client, 'logs_search', { query: 'GET /api/items', limit: 1000 });
    expect(search.bytes).toBeLessThanOrEqual(DEFAULT_READ_BYTES);
    expect(search.structured.count).toBe(1000);
    expect(search.structured.omitted).toBeGreaterThan(0);
    expect(search.text).toMatch(/^1000 line\(s\) found; the newest \d+ shown/);
    expect(search.text).toMatch(/GET \/api\/items\/6000 200 in 83 ms$/);
    console.info(
      `flood of 10,000 lines: default answer ${since.bytes} bytes (${since.structured.shown} lines shown, ${since.structured.omitted} left out), tail without cursor ${tail.bytes} bytes, first oldest page ${page.bytes} bytes`,
    );
  });
});
