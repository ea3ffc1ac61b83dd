import { describe, expect, it } from 'vitest';
import { until, WaitTimeoutError, withTimeout } from './wait.js';

describe('until', () => {
  it('resolves as soon as the check holds, checking again in between', async () => {
    let calls = 0;
    await until(() => ++calls === 3, 1000, 'the third call');
    expect(calls).toBe(3);
  });

  it('rejects after the bound, naming what it waited for and the state then', async () => {
    let n = 0;
    const started = Date.now();
    const error = await until(
      () => {
        n++;
        return false;
      },
      50,
      () => `n to reach -1 (n is ${n})`,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(`timed out after 50 ms waiting for n to reach -1 (n is ${n})`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(n).toBeGreaterThan(1);
  });

  it('bounds an async check that never settles by the time left', async () => {
    await expect(until(() => new Promise<boolean>(() => undefined), 30, 'a check that hangs')).rejects.toThrow(
      'timed out after 30 ms waiting for a check that hangs',
    );
  });

  it('fails at once with the error of a check that throws', async () => {
    await expect(
      until(
        () => {
          throw new Error('broken check');
        },
        10_000,
        'never',
      ),
    ).rejects.toThrow('broken check');
  });
});

describe('withTimeout', () => {
  it('resolves with the value when it comes first', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'seven')).resolves.toBe(7);
  });

  it('rejects with a WaitTimeoutError when the bound comes first', async () => {
    const error = await withTimeout(new Promise(() => undefined), 20, 'nothing').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WaitTimeoutError', ms: 20, what: 'nothing' });
  });

  it('passes the rejection of the promise through', async () => {
    await expect(withTimeout(Promise.reject(new Error('no')), 1000, 'x')).rejects.toThrow('no');
  });
});
