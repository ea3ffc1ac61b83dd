import { describe, expect, it } from 'vitest';
import { exited, isAlive, spawnReady } from './process.js';

const node = process.execPath;

describe('spawnReady', () => {
  it('resolves with the ready line, keeps the output, and stops the process', async () => {
    const script =
      "console.log('out'); console.error('listening on http://127.0.0.1:1234'); setInterval(() => {}, 1000)";
    await using server = await spawnReady(node, ['-e', script], { ready: /listening on (http:\/\/\S+)/ });
    expect(server.match[1]).toBe('http://127.0.0.1:1234');
    expect(isAlive(server.child.pid as number)).toBe(true);
    expect(await server.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isAlive(server.child.pid as number)).toBe(false);
    expect(server.stdout()).toBe('out\n');
  });

  it('rejects with the output when the process exits before it is ready', async () => {
    await expect(
      spawnReady(node, ['-e', "console.error('cannot start'); process.exit(3)"], { ready: /listening/ }),
    ).rejects.toThrow(/exited \(3\) before printing \/listening\/:\ncannot start/);
  });

  it('kills a process that is not ready within its bound', async () => {
    const error = await spawnReady(node, ['-e', 'setInterval(() => {}, 1000)'], {
      ready: /never/,
      timeoutMs: 200,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^timed out after 200 ms waiting for \/never\//);
  });
});

describe('exited', () => {
  it('is bounded, and answers at once for a process that already ended', async () => {
    await using sleeper = await spawnReady(node, ['-e', "console.error('up'); setInterval(() => {}, 1000)"], {
      ready: /up/,
    });
    await expect(exited(sleeper.child, 20, 'the sleeper')).rejects.toThrow('waiting for the sleeper');
    sleeper.child.kill('SIGKILL');
    expect(await exited(sleeper.child, 5000)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await exited(sleeper.child, 0)).toEqual({ code: null, signal: 'SIGKILL' });
  });
});
