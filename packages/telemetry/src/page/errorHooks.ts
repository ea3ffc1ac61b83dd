// Uncaught errors and unhandled rejections. Identical errors still waiting in the queue raise that
// item's count (a render loop throwing 1,000 times is one item with count 1000).
import { FIELD_LIMITS } from '../pageConfig.js';
import type { ErrorItem } from '../schemas.js';
import { cap, type Guard, guarded } from './guard.js';
import type { Queue } from './queue.js';
import { serialize } from './serialize.js';

interface Details {
  name: string;
  message: string;
  stack?: string;
}

/** Listens to `error` and `unhandledrejection` on window. */
export function installErrorHooks(queue: Queue, guard: Guard, now: () => number): void {
  const waiting = new Map<string, ErrorItem>();

  function record(type: ErrorItem['type'], details: Details, where: Partial<ErrorItem>) {
    const key = `${type}\n${details.name}\n${details.message}\n${details.stack ?? `${where.source}:${where.line}:${where.column}`}`;
    const existing = waiting.get(key);
    if (existing && queue.isQueued(existing)) {
      existing.count++;
      return;
    }
    if (waiting.size >= 200) waiting.clear();
    if (!queue.admit('error')) return;
    const item: ErrorItem = { kind: 'error', at: now(), type, ...details, count: 1 };
    if (where.source) item.source = cap(where.source, FIELD_LIMITS.url);
    if (where.line !== undefined) item.line = where.line;
    if (where.column !== undefined) item.column = where.column;
    waiting.set(key, item);
    queue.push(item);
  }

  addEventListener('error', (event) => {
    if (guard.suppressErrors > 0 || !(event instanceof ErrorEvent)) return;
    guarded(guard, () => {
      const details = describe(event.error, event.message);
      record('error', details, { source: event.filename || undefined, line: event.lineno, column: event.colno });
    });
  });
  addEventListener('unhandledrejection', (event) => {
    guarded(guard, () => record('rejection', describe(event.reason, ''), {}));
  });
}

function describe(error: unknown, fallback: string): Details {
  if (error && typeof error === 'object') {
    const target = error as { name?: unknown; message?: unknown; stack?: unknown };
    const name = read(() => target.name);
    const message = read(() => target.message);
    const stack = read(() => target.stack);
    if (typeof message === 'string' || typeof stack === 'string') {
      const out: Details = {
        name: cap(typeof name === 'string' ? name : 'Error', FIELD_LIMITS.name),
        message: cap(typeof message === 'string' ? message : fallback, FIELD_LIMITS.message),
      };
      if (typeof stack === 'string' && stack) out.stack = cap(stack, FIELD_LIMITS.stack);
      return out;
    }
  }
  if ((error === undefined || error === null) && fallback)
    return { name: 'Error', message: cap(fallback, FIELD_LIMITS.message) };
  // A thrown or rejected non-error value: its serialized form is the message.
  const { value } = serialize(error, { maxDepth: 2, maxStringLength: 500, maxKeys: 20, maxBytes: 1500 });
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { name: '', message: cap(text, FIELD_LIMITS.message) };
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}
