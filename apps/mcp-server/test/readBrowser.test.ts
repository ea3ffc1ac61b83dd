// requests_read over what the real dev proxy records (a --proxy-map proxy in front of a local server).
import { cleanupAfterEach, freePort, listenLocal, until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { fixtureProject, startTestServer, WAIT_MS } from './helpers.js';
import { connectMcp } from './mcpClient.js';
import { read } from './readTools.js';

const defer = cleanupAfterEach();

describe('requests_read (official SDK client over HTTP, the real dev proxy)', () => {
  it('returns the requests through the proxy since the cursor, failures with failedOnly, repeats collapsed', async () => {
    await using target = await listenLocal((req, res) => {
      if (req.url === '/api/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(500).end('boom');
    });
    const port = await freePort();
    await using server = await startTestServer({ cwd: fixtureProject(), proxyMap: [`${target.url}/=${port}`] });
    const { client } = await connectMcp(server.url, {}, defer);
    const start = await read(client, 'requests_read');
    for (const path of ['/api/ok', '/api/ok', '/api/broken'])
      await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    const since = async (failedOnly?: boolean) =>
      read(client, 'requests_read', { cursor: start.structured.cursor, ...(failedOnly ? { failedOnly } : {}) });
    await until(async () => (await since()).structured.total === 3, WAIT_MS, 'three recorded requests');
    const all = await since();
    expect(
      all.text
        .split('\n')
        .slice(1, 3)
        .map((l) => l.slice(13)),
    ).toEqual([
      expect.stringMatching(/^GET \/api\/ok → 200 in \d+ ms \(×2\)$/),
      expect.stringMatching(/^GET \/api\/broken → 500 in \d+ ms$/),
    ]);
    const failed = await since(true);
    expect(failed.structured.items).toHaveLength(1);
    expect(failed.structured.items[0]).toMatchObject({ kind: 'request', record: { url: '/api/broken', status: 500 } });
    const none = await read(client, 'requests_read', { cursor: all.structured.cursor });
    expect(none.structured.total).toBe(0);
  });
});
