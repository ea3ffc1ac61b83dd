import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { ErrorDetector, type StructuredError } from '../src/errorDetector.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

/** Runs a real tool and returns its combined output, as a dev process would print it. */
function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1' } });
  return `${r.stdout}${r.stderr}`;
}

function detect(output: string, cwd?: string): StructuredError[] {
  const errors: StructuredError[] = [];
  const detector = new ErrorDetector((e) => errors.push(e), { cwd });
  for (const line of stripAnsi(output).split('\n')) detector.push(line);
  detector.flush();
  return errors;
}

describe('ErrorDetector on real tool output', () => {
  it('tsc --pretty false: file(line,col): error TSxxxx', () => {
    const cwd = `${fixtures}tsc-broken`;
    const errors = detect(run(bin('tsc'), ['-p', '.', '--pretty', 'false'], cwd), cwd);
    expect(errors).toEqual([
      {
        type: 'TS2322',
        message: "TS2322: Type 'string' is not assignable to type 'number'.",
        file: 'src/app.ts',
        line: 1,
        column: 14,
        stack: null,
      },
      {
        type: 'TS2554',
        message: 'TS2554: Expected 0 arguments, but got 1.',
        file: 'src/app.ts',
        line: 4,
        column: 27,
        stack: null,
      },
    ]);
  });

  it('tsc --pretty (colours stripped): file:line:col - error TSxxxx', () => {
    const cwd = `${fixtures}tsc-broken`;
    const errors = detect(run(bin('tsc'), ['-p', '.', '--pretty', 'true'], cwd), cwd);
    expect(errors.map((e) => [e.type, e.file, e.line, e.column])).toEqual([
      ['TS2322', 'src/app.ts', 1, 14],
      ['TS2554', 'src/app.ts', 4, 27],
    ]);
  });

  it('a Node uncaught exception: one error, grouped stack, located in user code', () => {
    const cwd = `${fixtures}node-throw`;
    const errors = detect(run(process.execPath, ['crash.mjs'], cwd), cwd);
    expect(errors).toHaveLength(1);
    const [e] = errors as [StructuredError];
    expect(e).toMatchObject({
      type: 'TypeError',
      message: "TypeError: Cannot read properties of undefined (reading 'port')",
      file: 'crash.mjs',
      line: 2,
      column: 24,
    });
    expect(e.stack?.split('\n')[0]).toBe(e.message);
    expect(e.stack).toMatch(/at readConfig \(file:\/\/.*crash\.mjs:2:24\)/);
    expect(e.stack).toMatch(/node:internal\/modules\/esm\/module_job/);
  });

  it('node -e "throw ...": located at [eval]', () => {
    const errors = detect(run(process.execPath, ['-e', "throw new RangeError('out of range')"], fixtures));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      type: 'RangeError',
      message: 'RangeError: out of range',
      file: '[eval]',
      line: 1,
      column: 7,
    });
  });

  it('ESLint stylish output: each error with file, line, column and rule; warnings are not errors', () => {
    const cwd = `${fixtures}eslint-broken`;
    const errors = detect(run(bin('eslint'), ['bad.js'], cwd), cwd);
    expect(errors).toEqual([
      {
        type: 'eslint',
        message: "'unused' is assigned a value but never used (no-unused-vars)",
        file: 'bad.js',
        line: 1,
        column: 7,
        stack: null,
      },
      { type: 'eslint', message: "'value' is not defined (no-undef)", file: 'bad.js', line: 2, column: 5, stack: null },
      {
        type: 'eslint',
        message: "'console' is not defined (no-undef)",
        file: 'bad.js',
        line: 3,
        column: 3,
        stack: null,
      },
    ]);
  });

  it('vite build (rolldown): the unresolved import, located in the source', () => {
    const cwd = `${fixtures}vite-broken`;
    const output = run(
      bin('vite'),
      ['build', '--logLevel', 'error', '--outDir', '../../../node_modules/.vite-broken-out'],
      cwd,
    );
    const errors = detect(output, cwd);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'UNRESOLVED_IMPORT', file: 'src/main.ts', line: 1, column: 24 });
    expect(errors[0]?.message).toMatch(/Could not resolve '\.\/missing' in src\/main\.ts/);
  });
});

describe('ErrorDetector on formats not produced by the fixtures', () => {
  it('esbuild: ✘ [ERROR] with the location on a later line', () => {
    const out = [
      '✘ [ERROR] Could not resolve "./nope"',
      '',
      '    src/index.ts:3:18:',
      '      3 │ import { a } from "./nope";',
      '        ╵                   ~~~~~~~~',
      '',
      '1 error',
    ].join('\n');
    expect(detect(out)).toEqual([
      {
        type: 'ERROR',
        message: 'Could not resolve "./nope"',
        file: 'src/index.ts',
        line: 3,
        column: 18,
        stack: expect.stringContaining('src/index.ts:3:18'),
      },
    ]);
  });

  it('Vite dev server: [vite] Internal server error with File:', () => {
    const out = [
      '12:01:02 PM [vite] Internal server error: Transform failed with 1 error:',
      '  Plugin: vite:esbuild',
      '  File: /app/src/App.tsx:42:15',
      'next unrelated line',
    ].join('\n');
    expect(detect(out, '/app')[0]).toMatchObject({ type: 'vite', file: 'src/App.tsx', line: 42, column: 15 });
  });

  it('two stack traces in a row are two errors, and a stack frame alone is none', () => {
    const out = [
      'Error: first',
      '    at a (/x/a.js:1:1)',
      'Error: second',
      '    at b (/x/b.js:2:2)',
      '    at something',
    ].join('\n');
    expect(detect(out).map((e) => [e.message, e.file, e.line])).toEqual([
      ['Error: first', '/x/a.js', 1],
      ['Error: second', '/x/b.js', 2],
    ]);
    expect(detect('    at lonely (/x/c.js:1:1)')).toEqual([]);
  });
});
