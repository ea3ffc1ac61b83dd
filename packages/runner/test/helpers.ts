import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { until } from '@ws/testing';

/** A fresh copy of `test/fixtures/<name>` in the temp folder (outside any workspace). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ws-runner-${name}-`));
  cpSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), dir, { recursive: true });
  return dir;
}
