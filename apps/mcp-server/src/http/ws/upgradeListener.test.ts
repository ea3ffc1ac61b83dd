import { listenLocal, sendRaw } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { createUpgradeListener } from './upgradeListener.js';

describe('the upgrade listener', () => {
  it('answers a failed upgrade 500 and logs its path without the query (a ?ticket= is a credential)', async () => {
    const lines: string[] = [];
    const listener = createUpgradeListener(
      () => {
        throw new Error('route bug');
      },
      createLogger('error', (line) => lines.push(line)),
    );
    await using local = await listenLocal((_req, res) => res.end());
    local.server.on('upgrade', listener);
    const answer = await sendRaw(
      local.port,
      'GET /ws?ticket=s3cret-ticket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect(answer.status).toBe(500);
    expect(lines.join('')).toMatch(/upgrade failed.*"path":"\/ws"/);
    expect(lines.join('')).not.toMatch(/s3cret/);
  });
});
