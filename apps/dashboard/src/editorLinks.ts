// "Open in editor" links for detected errors: a URL template per editor, stored in localStorage,
// and the error's file resolved to an absolute path (project folder, else the stack, else as given).

/** The localStorage key of the chosen template ('' = no links). */
export const EDITOR_STORAGE_KEY = 'webstream-editor-template';

/** Editor presets: `{file}` is the absolute path (forward slashes), `{line}` and `{column}` 1-based. */
export const EDITOR_PRESETS = {
  vscode: { label: 'VS Code', template: 'vscode://file/{file}:{line}:{column}' },
  cursor: { label: 'Cursor', template: 'cursor://file/{file}:{line}:{column}' },
  jetbrains: { label: 'JetBrains', template: 'idea://open?file={file}&line={line}' },
  none: { label: 'None', template: '' },
} as const;

/** The default template: VS Code's. */
export const DEFAULT_EDITOR_TEMPLATE = EDITOR_PRESETS.vscode.template;

const FORBIDDEN_SCHEMES = /^\s*(javascript|data|vbscript):/i;

/** Why `template` cannot be used, or `undefined` when it can ('' means no links and is valid). */
export function checkTemplate(template: string): string | undefined {
  if (template === '') return undefined;
  if (!template.includes('{file}')) return 'the template needs {file}';
  if (!/^[a-z][a-z0-9+.-]*:/i.test(template)) return 'the template must start with a URL scheme, such as vscode:';
  if (FORBIDDEN_SCHEMES.test(template)) return 'that URL scheme is not allowed';
  return undefined;
}

export function loadTemplate(): string {
  const saved = localStorage.getItem(EDITOR_STORAGE_KEY);
  return saved !== null && checkTemplate(saved) === undefined ? saved : DEFAULT_EDITOR_TEMPLATE;
}

export function saveTemplate(template: string): void {
  localStorage.setItem(EDITOR_STORAGE_KEY, template);
}

const isAbsolute = (path: string) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);

/** Joins and normalizes (`.`, `..`) with forward slashes; keeps a leading `/` or drive letter. */
function normalize(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const root = slashed.startsWith('/') ? '/' : '';
  const out: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && !/^[A-Za-z]:$/.test(out[out.length - 1] as string)) out.pop();
    else if (part !== '..') out.push(part);
  }
  return root + out.join('/');
}

/** The absolute path the stack printed for `file` at `line`, e.g. `/app/src/x.ts` from `(/app/src/x.ts:5:19)`. */
function fromStack(stack: string, file: string, line: number | null): string | undefined {
  const tail = normalize(file);
  // A path starts a line or follows a space, `(` or quote (`at f (/a b/c.js:5:19)`); it may hold spaces.
  for (const match of stack.matchAll(
    /(?:^|[\s('"])(?:file:\/\/)?((?:\/|[A-Za-z]:[\\/])[^()\n'"]*?):(\d+)(?::\d+)?/gm,
  )) {
    const path = normalize(decodeURIComponentSafe(match[1] as string));
    if ((line === null || Number(match[2]) === line) && (path === tail || path.endsWith(`/${tail}`))) return path;
  }
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The absolute path of an error's `file`: as given when absolute; else joined to `projectDir` (the
 * supervised project's folder) when known; else the absolute path the stack printed; else `undefined`.
 */
export function resolveErrorFile(
  file: string,
  options: { projectDir?: string; stack?: string | null; line?: number | null } = {},
): string | undefined {
  if (isAbsolute(file)) return normalize(file);
  if (options.projectDir) return normalize(`${options.projectDir}/${file}`);
  if (options.stack) return fromStack(options.stack, file, options.line ?? null);
  return undefined;
}

/**
 * Fills `template` with an absolute path, line and column. Path segments are percent-encoded (a drive
 * letter stays `C:`); a single `/` written before `{file}` (`vscode://file/{file}`) is not doubled by
 * the path's own leading `/`, while `file://{file}` gives `file:///…`.
 * `undefined` when the template is '' (no links).
 */
export function editorHref(template: string, absolutePath: string, line: number | null, column: number | null) {
  if (template === '') return undefined;
  const encoded = absolutePath
    .split('/')
    .map((segment) => (/^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/');
  // Function replacers: a `$` in a path must not be read as a replacement pattern.
  return template
    .replace(/(?<!\/)\/\{file\}/g, () => (encoded.startsWith('/') ? '{file}' : '/{file}'))
    .replace(/\{file\}/g, () => encoded)
    .replace(/\{line\}/g, () => String(line ?? 1))
    .replace(/\{column\}/g, () => String(column ?? 1));
}
