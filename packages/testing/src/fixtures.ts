import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Copies a fixture directory to a fresh temporary one (tests may write into it); its path. */
export function copyFixture(dir: string, prefix = 'ws-test-'): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  cpSync(dir, copy, { recursive: true });
  return copy;
}
