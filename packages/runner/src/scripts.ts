import { existsSync, type FSWatcher, readFileSync, statSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';

/** The scripts of a package.json: name to command. */
export type Scripts = Record<string, string>;

/** What the project folder offers: its package.json and scripts, or the problem that leaves none. */
export interface ScriptsState {
  /** Absolute path of the project's package.json, or `null` when there is none. */
  packageJson: string | null;
  scripts: Scripts;
  /**
   * Why there are no scripts to run, naming the folder: no package.json, package.json is not
   * valid JSON, or it has no scripts. Absent when scripts were found.
   */
  problem?: string;
}

/** Options of {@link inspectScripts} and {@link watchScripts}. */
export interface ScriptsOptions {
  /**
   * Added to a problem about the folder (no package.json, no scripts), e.g. `start webstream with
   * --cwd <your project>`. Default: none.
   */
  hint?: string | undefined;
}

function scriptsOf(pkg: unknown): Scripts {
  const out: Scripts = {};
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  if (scripts && typeof scripts === 'object') {
    for (const [name, command] of Object.entries(scripts)) if (typeof command === 'string') out[name] = command;
  }
  return out;
}

/** Reads the scripts of `cwd/package.json`; `{}` when it has none. Throws if the file is missing or not JSON. */
export function readScripts(cwd: string): Scripts {
  return scriptsOf(JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')));
}

type Inspection = { state: ScriptsState; unreadable: boolean };

function inspect(cwd: string, options: ScriptsOptions): Inspection {
  const dir = resolve(cwd);
  const path = join(dir, 'package.json');
  const withHint = (problem: string) => (options.hint ? `${problem}; ${options.hint}` : problem);
  const unreadable = (packageJson: string | null, problem: string): Inspection => ({
    state: { packageJson, scripts: {}, problem },
    unreadable: true,
  });
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return unreadable(null, withHint(`the project folder ${dir} does not exist`));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return unreadable(null, withHint(`no package.json in ${dir}`));
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (error) {
    return unreadable(path, `${path} is not valid JSON (${(error as Error).message})`);
  }
  const scripts = scriptsOf(pkg);
  if (Object.keys(scripts).length === 0)
    return { state: { packageJson: path, scripts, problem: withHint(`${path} has no scripts`) }, unreadable: false };
  return { state: { packageJson: path, scripts }, unreadable: false };
}

/** Reads `cwd/package.json` and says what is wrong when it yields no scripts; never throws. */
export function inspectScripts(cwd: string, options: ScriptsOptions = {}): ScriptsState {
  return inspect(cwd, options).state;
}

/** Live view of a project's scripts: re-read when package.json changes. */
export interface ScriptCatalog {
  current(): Scripts;
  /** The scripts with the package.json path and the current problem, if any. */
  state(): ScriptsState;
  /**
   * Called with the scripts after each change of the scripts or of the problem. Returns an
   * unsubscribe function.
   */
  onChange(listener: (scripts: Scripts) => void): () => void;
  /** Called with each new problem (not again for the same one). Returns an unsubscribe function. */
  onProblem(listener: (problem: string) => void): () => void;
  close(): void;
}

/**
 * The state after a re-read: a package.json that became unreadable (deleted, or an editor's broken
 * intermediate save) keeps the last good scripts, and the problem says so.
 */
function nextState(previous: ScriptsState, read: Inspection): ScriptsState {
  if (!read.unreadable || Object.keys(previous.scripts).length === 0) return read.state;
  return {
    ...read.state,
    scripts: previous.scripts,
    problem: `${read.state.problem}; the last valid scripts are kept`,
  };
}

/**
 * Watches `cwd/package.json` (the directory, so editors that replace the file are seen too),
 * debounced by `debounceMs` (default 100). A broken intermediate save keeps the last good scripts.
 */
export function watchScripts(cwd: string, options: ScriptsOptions & { debounceMs?: number } = {}): ScriptCatalog {
  let state = inspectScripts(cwd, options);
  const listeners = new Set<(s: Scripts) => void>();
  const problemListeners = new Set<(p: string) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  const reload = () => {
    timer = undefined;
    const next = nextState(state, inspect(cwd, options));
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    const newProblem = next.problem !== undefined && next.problem !== state.problem;
    state = next;
    for (const l of listeners) l(state.scripts);
    if (newProblem) for (const l of problemListeners) l(next.problem as string);
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
    current: () => state.scripts,
    state: () => ({ ...state, scripts: { ...state.scripts } }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onProblem(listener) {
      problemListeners.add(listener);
      return () => problemListeners.delete(listener);
    },
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
      listeners.clear();
      problemListeners.clear();
    },
  };
}
