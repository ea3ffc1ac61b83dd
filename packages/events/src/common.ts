import { z } from 'zod';

/** An ISO-8601 date-time in UTC (`2024-01-20T10:30:00.000Z`) or with an offset. */
export const TimestampSchema = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof TimestampSchema>;

/** A JSON value (what `JSON.parse` can return). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Whether `value` is JSON: `null`, a boolean, a finite number, a string, or arrays and plain objects
 * of those. Iterative, so any nesting depth is checked without a stack overflow; cycles are not JSON.
 */
export function isJsonValue(value: unknown): value is JsonValue {
  // Depth-first with explicit exits, so `open` holds exactly the containers on the current path:
  // a container met again on its own path is a cycle; one shared by two branches is fine.
  const stack: unknown[] = [value];
  const open = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Exit) {
      open.delete(v.container);
      continue;
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (typeof v !== 'object' || open.has(v)) return false;
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return false;
    open.add(v);
    stack.push(new Exit(v));
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return true;
}

/** Marks the end of a container's children in {@link isJsonValue}'s walk. */
class Exit {
  constructor(readonly container: object) {}
}

/**
 * A JSON value, validated in place: the value passes through as it is, never rebuilt, so every key
 * survives (an own `__proto__` key from `JSON.parse` included) and deep nesting cannot overflow.
 */
export const JsonValueSchema = z
  .unknown()
  .refine(isJsonValue, {
    message: 'must be JSON: null, a boolean, a finite number, a string, an array or an object',
  })
  // `unknown` with a check (not `z.custom`): JSON Schema tools (the MCP SDK's tool schemas) render it as `{}`.
  .describe('Any JSON value') as unknown as z.ZodType<JsonValue>;
