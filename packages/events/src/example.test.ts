import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('examples/validate.ts (the README example; needs `pnpm build`)', () => {
  it('runs and prints what the README shows', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/validate.ts'], {
      cwd,
      timeout: 30_000,
    });
    expect(stdout.trim().split('\n')).toEqual([
      'push body: {"message":"deployment completed","type":"info","channel":"ops","priority":"normal"}',
      'refused: priority: Invalid option: expected one of "low"|"normal"|"high"',
      'push answer: 1795292877836-0 reached 2 client(s)',
      'error answer: limit must be an integer from 1 to 1000',
      'gap: 3 event(s) dropped, ids 1795292877837-0 to 1795292877839-0',
      'gap: history before 1795292870000-0 is not available (unknown)',
      'gap: a gap this client does not understand: reload',
    ]);
  }, 30_000);
});
