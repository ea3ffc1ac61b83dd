// The packages as a user installs them: packed with `pnpm pack`, installed with npm into a scratch
// project outside the workspace, then the `webstream` bin and the documented stdio config run from there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const PUBLISHED = [
  'packages/events',
  'packages/sse-core',
  'packages/redis',
  'packages/runner',
  'packages/proxy',
  'packages/telemetry',
  'packages/bridges',
  'apps/mcp-server',
];
/**
 * Bound on each command: execFileSync blocks the worker, so vitest's own timeout could not end a
 * hung `npm install`; this kills it and fails the test instead.
 */
const COMMAND_MS = 150_000;

describe('packed tarballs, installed outside the workspace', () => {
  const work = mkdtempSync(join(tmpdir(), 'webstream-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    'install with npm; `webstream --version` and the stdio client config work',
    async () => {
      const packs = join(work, 'packs');
      const project = join(work, 'project');
      mkdirSync(project);
      execFileSync(
        'pnpm',
        ['-r', ...PUBLISHED.flatMap((p) => ['--filter', `./${p}`]), 'pack', '--pack-destination', packs],
        { cwd: root, stdio: 'pipe', timeout: COMMAND_MS },
      );
      const tarballs = Object.fromEntries(
        readdirSync(packs).map((file) => [
          `@ws/${file.replace(/^ws-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`,
          `file:${join(packs, file)}`,
        ]),
      );
      expect(Object.keys(tarballs).sort()).toEqual([
        '@ws/bridges',
        '@ws/events',
        '@ws/mcp-server',
        '@ws/proxy',
        '@ws/redis',
        '@ws/runner',
        '@ws/sse-core',
        '@ws/telemetry',
      ]);
      // The scratch project depends on the server only; its @ws/* dependencies resolve to the tarballs,
      // as they would to the registry once published.
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: 'scratch',
          private: true,
          scripts: { hello: 'echo hello' },
          dependencies: { '@ws/mcp-server': tarballs['@ws/mcp-server'] },
          overrides: tarballs,
        }),
      );
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: project,
        stdio: 'pipe',
        timeout: COMMAND_MS,
      });

      const version = execFileSync('npx', ['--no-install', 'webstream', '--version'], {
        cwd: project,
        encoding: 'utf8',
        timeout: COMMAND_MS,
      });
      expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);

      const transport = new StdioClientTransport({
        command: join(project, 'node_modules', '.bin', 'webstream'),
        args: ['--stdio', '--cwd', '.', '--port', '0'],
        cwd: project,
        stderr: 'pipe',
      });
      const client = new Client({ name: 'pack-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('push_stream');
        const pushed = await client.callTool({ name: 'push_stream', arguments: { message: 'from the tarball' } });
        expect(pushed.isError).toBeFalsy();
        expect(pushed.structuredContent).toMatchObject({ channel: 'default', type: 'info' });
        const scripts = await client.callTool({ name: 'scripts_list', arguments: {} });
        expect(JSON.stringify(scripts.structuredContent)).toContain('hello');
      } finally {
        await client.close();
      }
    },
    3 * COMMAND_MS + 60_000,
  );
});
