import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';

/** The scripts of a package.json: name to command. */
export type Scripts = Record<string, string>;

/** Reads the scripts of `cwd/package.json`; `{}` when it has none. Throws if the file is missing or not JSON. */
export function readScripts(cwd: string): Scripts {
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { scripts?: unknown };
  const out: Scripts = {};
  if (pkg.scripts && typeof pkg.scripts === 'object') {
    for (const [name, command] of Object.entries(pkg.scripts)) if (typeof command === 'string') out[name] = command;
  }
  return out;
}

/** Live view of a project's scripts: re-read when package.json changes. */
export interface ScriptCatalog {
  current(): Scripts;
  /** Called with the new scripts after each change that alters them. Returns an unsubscribe function. */
  onChange(listener: (scripts: Scripts) => void): () => void;
  close(): void;
}

/**
 * Watches `cwd/package.json` (the directory, so editors that replace the file are seen too),
 * debounced by `debounceMs` (default 100). A broken intermediate save keeps the last good scripts.
 */
export function watchScripts(cwd: string, options: { debounceMs?: number } = {}): ScriptCatalog {
  let scripts: Scripts = (() => {
    try {
      return readScripts(cwd);
    } catch {
      return {};
    }
  })();
  const listeners = new Set<(s: Scripts) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  const reload = () => {
    timer = undefined;
    let next: Scripts;
    try {
      next = readScripts(cwd);
    } catch {
      return;
    }
    if (JSON.stringify(next) === JSON.stringify(scripts)) return;
    scripts = next;
    for (const l of listeners) l(scripts);
  };
  try {
    watcher = watch(cwd, (_event, file) => {
      if (file !== null && file !== 'package.json') return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, options.debounceMs ?? 100);
      timer.unref();
    });
    watcher.unref();
  } catch {
    // The directory cannot be watched (it may not exist): serve the scripts read at start.
  }
  return {
    current: () => scripts,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
      listeners.clear();
    },
  };
}
