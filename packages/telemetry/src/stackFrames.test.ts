import { describe, expect, test } from 'vitest';
import { displayPath, formatStack, parseFrames, unmapped } from './stackFrames.js';

describe('stack frames', () => {
  test('Chrome and Firefox stacks parse to frames', () => {
    const chrome =
      'TypeError: x\n    at explode (http://h/assets/index.js:1:40)\n    at http://h/assets/index.js:1:595';
    expect(parseFrames({ stack: chrome })).toEqual([
      { url: 'http://h/assets/index.js', line: 1, column: 40, function: 'explode' },
      { url: 'http://h/assets/index.js', line: 1, column: 595 },
    ]);
    const firefox = 'explode@http://h/app.js:3:9\n@http://h/app.js:19:22\n';
    expect(parseFrames({ stack: firefox }).map((frame) => frame.line)).toEqual([3, 19]);
  });

  test('an error without a stack uses its source, line and column', () => {
    expect(parseFrames({ source: 'http://h/a.js', line: 4, column: 2 })).toEqual([
      { url: 'http://h/a.js', line: 4, column: 2 },
    ]);
    expect(parseFrames({})).toEqual([]);
  });

  test('display paths for webpack, Vite, plain URLs and files', () => {
    expect(displayPath('webpack://my-app/./src/App.tsx')).toBe('src/App.tsx');
    expect(displayPath('webpack:///./src/App.tsx')).toBe('src/App.tsx');
    expect(displayPath('http://127.0.0.1:5173/src/App.tsx?t=1712')).toBe('src/App.tsx');
    expect(displayPath('http://127.0.0.1:5173/@fs/home/me/lib/x.ts')).toBe('/home/me/lib/x.ts');
    expect(displayPath('file:///home/me/src/a.ts')).toBe('/home/me/src/a.ts');
    expect(displayPath('<anonymous>')).toBe('<anonymous>');
  });

  test('formatStack writes the mapped stack', () => {
    const frame = { ...unmapped({ url: 'http://h/app.js', line: 1, column: 2 }), function: 'f' };
    expect(formatStack('TypeError', 'boom', [frame, unmapped({ url: 'http://h/b.js', line: 3, column: null })])).toBe(
      'TypeError: boom\n    at f (app.js:1:2)\n    at b.js:3',
    );
  });
});
