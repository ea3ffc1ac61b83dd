// Volume: the default limits let a local script publish a thousand messages in a burst, over HTTP
// and over MCP. `pnpm test` runs these; `pnpm test:fast` does not.
import { cleanupAfterEach } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { pool, post, startTestServer } from '../helpers.js';
import { connectMcp } from '../mcpClient.js';

const defer = cleanupAfterEach();

describe('publish policy: trusted publishers are not throttled by default', () => {
  it('a local script pushing 1,000 progress updates in a burst gets no 429 with default settings', async () => {
    await using server = await startTestServer();
    const statuses = await pool(
      1000,
      8,
      async (i) => (await post(`${server.url}/api/push`, { message: `step ${i}` })).status,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(server.service.hub.stats().published).toBe(1000);
  }, 120_000);
});

describe('push_stream follows the same policy', () => {
  it('over /mcp from this machine with default settings: 300 calls, none refused', async () => {
    await using server = await startTestServer();
    const { client } = await connectMcp(server.url, {}, defer);
    const results = await pool(300, 4, (i) => client.callTool({ name: 'push_stream', arguments: { message: `${i}` } }));
    expect(results.filter((r) => r.isError)).toEqual([]);
  }, 60_000);
});
