import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { closeInOrder } from './startServer.js';

describe('closeInOrder', () => {
  it('closes every part in order even when one fails, logs it, and rejects with the first failure', async () => {
    const closed: string[] = [];
    const lines: string[] = [];
    const part = (name: string, fails = false) => ({
      close: async () => {
        closed.push(name);
        if (fails) throw new Error(`${name} broke`);
      },
    });
    const parts = [part('bridges', true), part('mcp'), part('dev', true), part('service')];
    await expect(
      closeInOrder(
        parts,
        createLogger('info', (l) => lines.push(l)),
      ),
    ).rejects.toThrow('bridges broke');
    expect(closed).toEqual(['bridges', 'mcp', 'dev', 'service']);
    expect(lines.join('')).toMatch(/closing: bridges broke[\s\S]*closing: dev broke/);
  });

  it('resolves when every part closes', async () => {
    await expect(
      closeInOrder(
        [{ close: async () => {} }],
        createLogger('info', () => {}),
      ),
    ).resolves.toBeUndefined();
  });
});
