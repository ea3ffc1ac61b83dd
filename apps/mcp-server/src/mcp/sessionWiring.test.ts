import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/server';
import { until, withTimeout } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { createLocalDevApi } from '../api/localDevApi.js';
import { createDevService } from '../dev/devEvents.js';
import { createLogger } from '../server/logger.js';
import { createStreamService } from '../stream/streamService.js';
import { attachDevSession } from './sessionWiring.js';

describe('attachDevSession', () => {
  it('reports a notification it could not deliver instead of losing it silently', async () => {
    const stream = createStreamService({ hub: { heartbeatIntervalMs: null } });
    const dev = createDevService({
      cwd: fileURLToPath(new URL('../../test/fixtures/project', import.meta.url)),
      stream,
      logger: createLogger('silent'),
    });
    const server = new McpServer({ name: 't', version: '1' }, { capabilities: { resources: { subscribe: true } } });
    const failures: string[] = [];
    const detach = attachDevSession(server, createLocalDevApi(dev), (what) => failures.push(what)); // never connected: every send fails
    const exited = new Promise<void>((resolve) => dev.runner.on('exited', () => resolve()));
    dev.runner.runCommand('echo hello', 'echo');
    await withTimeout(exited, 10_000, 'echo to exit');
    // Each failed send is reported when its promise rejects, a little after the event.
    await until(() => failures.includes('notifications/process/exited'), 10_000, 'the exit notification to fail');
    expect(failures).toEqual(
      expect.arrayContaining([
        'notifications/process/started',
        'notifications/logs/new',
        'notifications/process/exited',
      ]),
    );
    detach();
    await dev.close();
    await stream.close();
  });
});
