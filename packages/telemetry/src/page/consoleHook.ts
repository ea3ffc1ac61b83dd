// Console capture: every level, arguments serialized within the item budget, identical consecutive
// calls with primitive arguments coalesced into a count, over-budget calls counted without work.
import type { PageConfig } from '../pageConfig.js';
import type { ConsoleItem, ConsoleLevel } from '../schemas.js';
import { type Guard, guarded } from './guard.js';
import type { Queue } from './queue.js';
import { serialize } from './serialize.js';

const METHODS: Array<[keyof Console, ConsoleLevel]> = [
  ['debug', 'debug'],
  ['log', 'log'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['trace', 'trace'],
  ['dir', 'log'],
  ['table', 'log'],
  ['assert', 'error'],
];

type Primitive = string | number | boolean | null | undefined;

/** Wraps the console methods whose level is in `config.console`. */
export function installConsoleHook(queue: Queue, config: PageConfig, guard: Guard, now: () => number): void {
  let lastItem: ConsoleItem | undefined;
  let lastArgs: Primitive[] | undefined;

  function capture(method: keyof Console, level: ConsoleLevel, input: unknown[]) {
    let args = input;
    if (method === 'assert') {
      if (args[0]) return;
      args = ['Assertion failed:', ...args.slice(1)];
    } else if (method === 'trace') {
      const lines = String(new Error().stack ?? '').split('\n');
      // Drop this script's own frames: everything up to the wrapped console.trace call.
      const own = lines.findIndex((line) => line.includes('[as trace]'));
      const stack = lines.slice(own >= 0 ? own + 1 : 3).join('\n');
      args = [...args, stack];
    }
    const last = queue.last();
    if (last && last === lastItem && last.level === level && sameArgs(lastArgs, args)) {
      last.count++;
      return;
    }
    if (!queue.admit('console')) return;
    const limits = { ...config, maxDepth: config.maxDepth + 1, maxBytes: config.maxItemBytes };
    const { value, truncated } = serialize(args, limits);
    // A value that failed as a whole (a hostile proxy) comes back as one string: still a list of arguments.
    const list = Array.isArray(value) ? value : [value];
    const item: ConsoleItem = { kind: 'console', at: now(), level, args: list, count: 1 };
    if (truncated) item.truncated = true;
    queue.push(item);
    lastItem = item;
    lastArgs = args.every(isPrimitive) ? (args as Primitive[]) : undefined;
  }

  for (const [method, level] of METHODS) {
    if (!config.console.includes(level)) continue;
    const target = console as unknown as Record<string, unknown>;
    const original = target[method];
    if (typeof original !== 'function') continue;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      guarded(guard, () => capture(method, level, args));
      return original.apply(this, args);
    };
    try {
      target[method] = wrapped;
    } catch {
      // A frozen console stays as it is.
    }
  }
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function sameArgs(previous: Primitive[] | undefined, args: unknown[]): boolean {
  if (!previous || previous.length !== args.length) return false;
  for (let index = 0; index < args.length; index++) if (previous[index] !== args[index]) return false;
  return true;
}
