import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Waits until `check()` holds, polling every 10 ms; fails after `ms` naming `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A fresh copy of `test/fixtures/<name>` in the temp folder (outside any workspace). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ws-runner-${name}-`));
  cpSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), dir, { recursive: true });
  return dir;
}
