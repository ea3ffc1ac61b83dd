// Safe serialization of arbitrary page values to JSON-compatible data: depth, key and string caps,
// one size budget per call, cycles, DOM nodes, errors, getters that throw. Never throws.

/** Caps of one serialization. */
export interface SerializeLimits {
  maxDepth: number;
  maxStringLength: number;
  maxKeys: number;
  /** Approximate characters of output after which values are replaced by `[…]`. */
  maxBytes: number;
}

/** A JSON-compatible value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface State {
  limits: SerializeLimits;
  budget: number;
  truncated: boolean;
  ancestors: object[];
}

/** Serializes `value`; `truncated` says whether any cap cut something. */
export function serialize(value: unknown, limits: SerializeLimits): { value: Json; truncated: boolean } {
  const state: State = { limits, budget: limits.maxBytes, truncated: false, ancestors: [] };
  try {
    return { value: walk(value, 0, state), truncated: state.truncated };
  } catch (error) {
    return { value: `[unserializable: ${safeMessage(error)}]`, truncated: true };
  }
}

/** `typeof`, refined: `null`, `array`, or the error/constructor name for objects. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object') return typeof value;
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name ? name : 'object';
  } catch {
    return 'object';
  }
}

/** The message of a thrown value, without calling anything that could throw again. */
export function safeMessage(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
    return String(error);
  } catch {
    return 'unknown error';
  }
}

function walk(value: unknown, depth: number, state: State): Json {
  if (state.budget <= 0) {
    state.truncated = true;
    return '[…]';
  }
  switch (typeof value) {
    case 'string':
      return text(value, state);
    case 'number':
      state.budget -= 8;
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      state.budget -= 5;
      return value;
    case 'undefined':
      state.budget -= 11;
      return '[undefined]';
    case 'bigint':
      return text(`${value}n`, state);
    case 'symbol':
      return text(value.toString(), state);
    case 'function':
      return text(describeFunction(value), state);
  }
  if (value === null) {
    state.budget -= 4;
    return null;
  }
  return walkObject(value as object, depth, state);
}

function text(value: string, state: State): string {
  const max = Math.min(state.limits.maxStringLength, Math.max(state.budget, 16));
  state.budget -= Math.min(value.length, max) + 2;
  if (value.length <= max) return value;
  state.truncated = true;
  return `${value.slice(0, max)}… [${value.length - max} more characters]`;
}

function describeFunction(fn: object): string {
  let name = '';
  try {
    const value = (fn as { name?: unknown }).name;
    name = typeof value === 'string' ? value : '';
  } catch {}
  return name ? `[Function: ${name}]` : '[Function]';
}

function walkObject(value: object, depth: number, state: State): Json {
  const special = describeSpecial(value, state);
  if (special !== undefined) return special;
  if (state.ancestors.includes(value)) return '[Circular]';
  if (depth >= state.limits.maxDepth) {
    state.truncated = true;
    return Array.isArray(value) ? `[Array(${value.length})]` : `[${describeType(value)}]`;
  }
  state.ancestors.push(value);
  try {
    if (value instanceof Error) return walkError(value, depth, state);
    if (value instanceof Map) return { '[Map]': walkList(Array.from(value.entries()), depth, state) };
    if (value instanceof Set) return { '[Set]': walkList(Array.from(value.values()), depth, state) };
    if (Array.isArray(value)) return walkList(value, depth, state);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return walkList(Array.from(value as unknown as ArrayLike<number>).slice(0, state.limits.maxKeys), depth, state);
    }
    return walkProperties(value, depth, state);
  } catch (error) {
    // A hostile object (a proxy whose traps throw) fails alone, not the values around it.
    state.truncated = true;
    return `[unserializable: ${safeMessage(error)}]`;
  } finally {
    state.ancestors.pop();
  }
}

function describeSpecial(value: object, state: State): Json | undefined {
  if (value instanceof Date) return text(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), state);
  if (value instanceof RegExp) return text(`/${value.source}/${value.flags}`, state);
  if (typeof Promise !== 'undefined' && value instanceof Promise) return text('[Promise]', state);
  if (value instanceof WeakMap || value instanceof WeakSet) return text(`[${describeType(value)}]`, state);
  if (value instanceof ArrayBuffer) return text(`[ArrayBuffer(${value.byteLength})]`, state);
  if (typeof window !== 'undefined' && value === window) return text('[Window]', state);
  if (typeof Node !== 'undefined' && value instanceof Node) return text(describeNode(value), state);
  return undefined;
}

/** `<div id="app" class="a b">`, `#text "hello"`, `#document https://…`. */
export function describeNode(node: Node): string {
  if (node.nodeType === 1) {
    const element = node as Element;
    let out = `<${element.tagName.toLowerCase()}`;
    if (element.id) out += ` id="${element.id}"`;
    const className = element.getAttribute('class');
    if (className) out += ` class="${className}"`;
    return `${out}>`;
  }
  if (node.nodeType === 3) return `#text "${(node.textContent ?? '').slice(0, 200)}"`;
  if (node.nodeType === 9) return `#document ${(node as Document).URL}`;
  return node.nodeName;
}

function walkError(error: Error, depth: number, state: State): Json {
  const out: { [key: string]: Json } = {};
  out.name = text(readString(error, 'name') || 'Error', state);
  out.message = text(readString(error, 'message'), state);
  const stack = readString(error, 'stack');
  if (stack) out.stack = text(stack, state);
  const cause = read(error, 'cause');
  if (cause.ok && cause.value !== undefined) out.cause = walk(cause.value, depth + 1, state);
  return out;
}

function readString(target: object, key: string): string {
  const result = read(target, key);
  return result.ok && typeof result.value === 'string' ? result.value : '';
}

function read(target: object, key: string | number): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: (target as Record<string | number, unknown>)[key] };
  } catch (error) {
    return { ok: false, message: safeMessage(error) };
  }
}

function walkList(list: ArrayLike<unknown>, depth: number, state: State): Json[] {
  const out: Json[] = [];
  const length = list.length;
  const shown = Math.min(length, state.limits.maxKeys);
  for (let index = 0; index < shown; index++) {
    if (state.budget <= 0) break;
    const item = read(list as object, index);
    out.push(item.ok ? walk(item.value, depth + 1, state) : `[Thrown: ${item.message}]`);
  }
  if (out.length < length) {
    state.truncated = true;
    out.push(`[… ${length - out.length} more items]`);
  }
  return out;
}

function walkProperties(value: object, depth: number, state: State): Json {
  const out: { [key: string]: Json } = {};
  let shown = 0;
  let more = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (shown >= state.limits.maxKeys || state.budget <= 0) {
      more++;
      if (more > 1000) break;
      continue;
    }
    shown++;
    state.budget -= key.length + 3;
    const item = read(value, key);
    out[key] = item.ok ? walk(item.value, depth + 1, state) : `[Thrown: ${item.message}]`;
  }
  if (more) {
    state.truncated = true;
    out['…'] = `${more > 1000 ? 'over 1000' : more} more keys`;
  }
  return out;
}
