import { describe, expect, it } from 'vitest';
import { checkTemplate, EDITOR_PRESETS, editorHref, resolveErrorFile } from '../src/editorLinks.js';

const STACK = `TypeError: Cannot read properties of undefined (reading 'length')
    at handler (/tmp/proj dir/src/crash.js:5:19)
    at Timeout._onTimeout (/tmp/proj dir/src/crash.js:7:18)
    at listOnTimeout (node:internal/timers:581:17)`;

describe('editor links', () => {
  it('fills the presets with an absolute path, line and column', () => {
    const path = '/home/ada/app/src/App.tsx';
    expect(editorHref(EDITOR_PRESETS.vscode.template, path, 12, 7)).toBe('vscode://file/home/ada/app/src/App.tsx:12:7');
    expect(editorHref(EDITOR_PRESETS.cursor.template, path, 12, 7)).toBe('cursor://file/home/ada/app/src/App.tsx:12:7');
    expect(editorHref(EDITOR_PRESETS.jetbrains.template, path, 12, 7)).toBe(
      'idea://open?file=/home/ada/app/src/App.tsx&line=12',
    );
    expect(editorHref(EDITOR_PRESETS.none.template, path, 12, 7)).toBeUndefined();
  });

  it('does not double the slash before {file}, but keeps a file:// URL whole', () => {
    expect(editorHref('x://open?url=file://{file}&l={line}', '/a/b.ts', 3, 1)).toBe('x://open?url=file:///a/b.ts&l=3');
    expect(editorHref('x://open?url=file://{file}', 'C:/a/b.ts', 3, 1)).toBe('x://open?url=file://C:/a/b.ts');
  });

  it('keeps a Windows drive, encodes what a URL cannot hold, and defaults unknown line/column to 1', () => {
    expect(editorHref('vscode://file/{file}:{line}:{column}', 'C:/work/my app/a#b$&.ts', null, null)).toBe(
      'vscode://file/C:/work/my%20app/a%23b%24%26.ts:1:1',
    );
  });

  it('resolves a relative file against the project folder, else the stack, else not at all', () => {
    expect(resolveErrorFile('src/../src/App.tsx', { projectDir: '/home/ada/app' })).toBe('/home/ada/app/src/App.tsx');
    expect(resolveErrorFile('src/crash.js', { stack: STACK, line: 5 })).toBe('/tmp/proj dir/src/crash.js');
    expect(resolveErrorFile('src/crash.js', { stack: STACK, line: 99 })).toBeUndefined();
    expect(resolveErrorFile('crash.js', {})).toBeUndefined();
    expect(resolveErrorFile('/abs/x.ts', {})).toBe('/abs/x.ts');
    expect(resolveErrorFile('C:\\work\\x.ts', {})).toBe('C:/work/x.ts');
    expect(resolveErrorFile('src/m.mjs', { stack: 'Error: x\n    at file:///srv/app/src/m.mjs:3:1', line: 3 })).toBe(
      '/srv/app/src/m.mjs',
    );
  });

  it('refuses templates that are not editor URLs', () => {
    expect(checkTemplate('')).toBeUndefined();
    expect(checkTemplate('vscode://file/{file}')).toBeUndefined();
    expect(checkTemplate('vscode://file/')).toMatch(/\{file\}/);
    expect(checkTemplate('javascript:alert({file})')).toMatch(/not allowed/);
    expect(checkTemplate(' data:text/html,{file}')).toBeDefined();
    expect(checkTemplate('{file}')).toMatch(/scheme/);
  });
});
