import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from './redis.js';
import { withTimeout } from './wait.js';

/** Sends PING over a raw socket; the reply line, or the connection error's code. */
function ping(port: number): Promise<string> {
  return withTimeout(
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        resolve(d.toString().trim());
        socket.destroy();
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    }),
    5000,
    `PING on port ${port}`,
  );
}

describe('startPrivateRedis', () => {
  it('starts a redis-server that answers, stops it, and starts it again on the same port', async () => {
    const redis = await startPrivateRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await ping(redis.port)).toBe('+PONG');
      await redis.stop();
      expect(await ping(redis.port)).toBe('ECONNREFUSED');
      await redis.start();
      expect(await ping(redis.port)).toBe('+PONG');
    } finally {
      await redis.stop();
    }
  });
});
