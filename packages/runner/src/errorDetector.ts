import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StructuredError } from '@ws/events';
import { parse as parseStack } from 'stacktrace-parser';

export type { StructuredError };

/** Lines a multi-line error may span before it is cut off and emitted. */
const MAX_GROUP_LINES = 200;

// tsc: `src/a.ts(3,7): error TS2322: msg` (--pretty false) and `src/a.ts:3:7 - error TS2322: msg` (--pretty).
const TSC_PAREN = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const TSC_COLON = /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/;
// JS errors: `TypeError: msg`, `Uncaught Error: msg`, `Error [ERR_X]: msg`, `FooException: msg`.
const JS_HEADER = /^(?:Uncaught\s+)?((?:[A-Z][\w$]*)?(?:Error|Exception))(?:\s*\[[\w_]+\])?:\s?(.*)$/;
const STACK_FRAME = /^\s+at\s/;
// Node prints `file:///path/x.mjs:2` (or `[eval]:1`) above the source excerpt of an uncaught error.
const NODE_LOCATION = /^((?:file:\/\/|\/|[A-Za-z]:\\|\[eval\]).*?):(\d+)$/;
// Vite 8 (rolldown) `[UNRESOLVED_IMPORT] msg`, esbuild `✘ [ERROR] msg`, Vite dev `[vite] Internal server error: msg`.
const BUNDLER_HEADER = /^(?:✘\s+)?\[([A-Z][A-Z_]+)\]\s+(.+)$/;
const VITE_DEV_HEADER =
  /^(?:\d{1,2}:\d\d:\d\d\s*(?:AM|PM)?\s+)?\[vite\] (?:Internal server error|Pre-transform error): (.+)$/;
// Locations under a bundler header: `╭─[ src/main.ts:1:24 ]`, esbuild's `    src/main.ts:1:7:`, Vite's `File: /x/src/App.tsx:42:15`.
const BUNDLER_LOCATION = /(?:─\[\s*(.+?):(\d+):(\d+)\s*\]|^\s+(\S.*?):(\d+):(\d+):$|File:\s+(.+?):(\d+):(\d+))/;
// ESLint stylish: a file path alone on a line, then `  1:7  error  message  rule-id`.
const ESLINT_FILE = /^(\/|[A-Za-z]:\\)\S.*\.\w+$/;
const ESLINT_PROBLEM = /^\s+(\d+):(\d+)\s+error\s+(.+?)\s{2,}(\S+)$/;

interface Pending {
  kind: 'js' | 'bundler';
  type: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  lines: string[];
  frames: string[];
}

/**
 * Finds errors in output, line by line (feed ANSI-stripped lines). Single-line formats (tsc, ESLint)
 * are reported at once; multi-line ones (stack traces, bundler reports) when the next unrelated
 * line arrives or on {@link ErrorDetector.flush} (call it after a short idle time and at exit).
 */
export class ErrorDetector {
  readonly #emit: (error: StructuredError) => void;
  readonly #cwd: string | undefined;
  #pending: Pending | undefined;
  #eslintFile: string | undefined;
  #nodeLocation: { file: string; line: number } | undefined;
  #sinceLocation = 0;

  constructor(emit: (error: StructuredError) => void, options: { cwd?: string } = {}) {
    this.#emit = emit;
    this.#cwd = options.cwd;
  }

  /** Whether a multi-line error is being collected. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  push(line: string): void {
    const p = this.#pending;
    if (p) {
      if (STACK_FRAME.test(line)) {
        p.frames.push(line.trim());
        p.lines.push(line);
        return;
      }
      if (p.kind === 'bundler' && p.frames.length === 0 && p.lines.length < MAX_GROUP_LINES) {
        const loc = BUNDLER_LOCATION.exec(line);
        if (loc && p.file === null) {
          const [file, l, c] = (loc[1] ? loc.slice(1, 4) : loc[4] ? loc.slice(4, 7) : loc.slice(7, 10)) as [
            string,
            string,
            string,
          ];
          p.file = this.#path(file);
          p.line = Number(l);
          p.column = Number(c);
        }
        // Everything up to the stack (the code excerpt, blank lines) belongs to the report.
        if (loc || line.trim() === '' || /^\s|^[│╭╰─]/.test(line)) {
          p.lines.push(line);
          return;
        }
      }
      if (p.kind === 'js' && line.trim() === '' && p.frames.length === 0 && p.lines.length < 3) {
        p.lines.push(line);
        return;
      }
      this.flush();
    }
    this.#detect(line);
  }

  /** Emits the error being collected, if any. */
  flush(): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    let { file, line, column } = p;
    if (p.frames.length > 0 && p.kind === 'js') {
      const frame = this.#bestFrame(p.frames);
      if (frame) ({ file, line, column } = frame);
    }
    if (file === null && p.kind === 'js' && this.#nodeLocation && this.#sinceLocation < 8) {
      ({ file, line } = this.#nodeLocation);
    }
    const stack = p.lines.join('\n').trimEnd();
    this.#emit({ message: p.message, type: p.type, file, line, column, stack: stack.includes('\n') ? stack : null });
  }

  #detect(line: string): void {
    this.#sinceLocation++;
    let m = TSC_PAREN.exec(line) ?? TSC_COLON.exec(line);
    if (m) {
      const [, file, l, c, code, message] = m as unknown as [string, string, string, string, string, string];
      this.#emit({
        message: `${code}: ${message}`,
        type: code,
        file: this.#path(file),
        line: Number(l),
        column: Number(c),
        stack: null,
      });
      return;
    }
    m = ESLINT_PROBLEM.exec(line);
    if (m && this.#eslintFile) {
      const [, l, c, message, rule] = m as unknown as [string, string, string, string, string];
      this.#emit({
        message: `${message} (${rule})`,
        type: 'eslint',
        file: this.#path(this.#eslintFile),
        line: Number(l),
        column: Number(c),
        stack: null,
      });
      return;
    }
    if (ESLINT_FILE.test(line) && !NODE_LOCATION.test(line)) {
      this.#eslintFile = line.trim();
      return;
    }
    if (line.trim() === '') this.#eslintFile = undefined;
    m = NODE_LOCATION.exec(line);
    if (m) {
      this.#nodeLocation = { file: this.#path(m[1] as string), line: Number(m[2]) };
      this.#sinceLocation = 0;
      return;
    }
    m = JS_HEADER.exec(line);
    if (m) {
      this.#pending = {
        kind: 'js',
        type: m[1] as string,
        message: line.replace(/^Uncaught\s+/, ''),
        file: null,
        line: null,
        column: null,
        lines: [line],
        frames: [],
      };
      return;
    }
    m = BUNDLER_HEADER.exec(line) ?? VITE_DEV_HEADER.exec(line);
    if (m) {
      const isVite = m.length === 2;
      this.#pending = {
        kind: 'bundler',
        type: isVite ? 'vite' : (m[1] as string),
        message: (isVite ? m[1] : m[2]) as string,
        file: null,
        line: null,
        column: null,
        lines: [line],
        frames: [],
      };
    }
  }

  /** The first frame in user code (not node internals, not node_modules), else the first frame. */
  #bestFrame(frames: string[]): { file: string; line: number; column: number | null } | undefined {
    const parsed = parseStack(frames.map((f) => `    ${f}`).join('\n')).filter((f) => f.file && f.lineNumber !== null);
    const user = parsed.find((f) => !f.file?.startsWith('node:') && !f.file?.includes('/node_modules/')) ?? parsed[0];
    if (!user?.file || user.lineNumber === null) return undefined;
    return { file: this.#path(user.file), line: user.lineNumber, column: user.column ?? null };
  }

  #path(file: string): string {
    let path = file;
    if (path.startsWith('file://')) {
      try {
        path = fileURLToPath(path);
      } catch {
        // Not a valid file URL: keep it as printed.
      }
    }
    if (this.#cwd && isAbsolute(path)) {
      const rel = relative(this.#cwd, path);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
    }
    return path;
  }
}
