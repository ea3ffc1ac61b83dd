import { fileURLToPath } from 'node:url';
import { parse } from 'stacktrace-parser';
import type { ErrorItem } from './schemas.js';

/** Most frames kept (and mapped) per error. */
export const MAX_FRAMES = 20;

/** A frame as the browser reported it (URL as the page saw it, 1-based line and column). */
export interface RawFrame {
  url: string;
  line: number | null;
  column: number | null;
  function?: string;
}

/** A frame after source mapping; `raw` keeps what the browser said. */
export interface StackFrame {
  /** The original source (`src/App.tsx`) when mapped, else the script's path (`assets/index-3f2a.js`). */
  file: string;
  line: number | null;
  column: number | null;
  function?: string;
  mapped: boolean;
  raw: RawFrame;
}

/** Frames of an error item: from its stack (any browser's format), else its `source:line:column`. */
export function parseFrames(item: Pick<ErrorItem, 'stack' | 'source' | 'line' | 'column'>): RawFrame[] {
  const frames: RawFrame[] = [];
  if (item.stack) {
    for (const frame of parse(item.stack)) {
      if (!frame.file || frames.length >= MAX_FRAMES) continue;
      const out: RawFrame = { url: frame.file, line: frame.lineNumber, column: frame.column };
      if (frame.methodName && frame.methodName !== '<unknown>') out.function = frame.methodName;
      frames.push(out);
    }
  }
  if (frames.length === 0 && item.source) {
    frames.push({ url: item.source, line: item.line || null, column: item.column || null });
  }
  return frames;
}

/** An unmapped frame: the script's path stands in for the file. */
export function unmapped(raw: RawFrame): StackFrame {
  const out: StackFrame = { file: displayPath(raw.url), line: raw.line, column: raw.column, mapped: false, raw };
  if (raw.function) out.function = raw.function;
  return out;
}

/** `Name: message` and one `    at fn (file:line:column)` line per frame. */
export function formatStack(name: string, message: string, frames: readonly StackFrame[]): string {
  const head = name ? `${name}: ${message}` : message;
  const lines = frames.map((frame) => {
    const where = [frame.file, frame.line, frame.column].filter((part) => part !== null).join(':');
    return frame.function ? `    at ${frame.function} (${where})` : `    at ${where}`;
  });
  return [head, ...lines].join('\n');
}

/**
 * A source or script location as a project path: `webpack://app/./src/App.tsx` and
 * `http://127.0.0.1:5173/src/App.tsx?t=1` become `src/App.tsx`; Vite's `/@fs/abs/path` becomes
 * `/abs/path`; `file:` URLs become paths; anything else is kept.
 */
export function displayPath(location: string): string {
  if (location.startsWith('webpack://')) return location.replace(/^webpack:\/\/[^/]*\//, '').replace(/^(?:\.\/)+/, '');
  try {
    const url = new URL(location);
    if (url.protocol === 'file:') return fileURLToPath(url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return location;
    const path = decodeURIComponent(url.pathname);
    if (path.startsWith('/@fs/')) return path.slice('/@fs'.length);
    return path.replace(/^\/+/, '');
  } catch {
    return location;
  }
}
