/**
 * Deepest nesting of objects and arrays accepted in a message's `data`: a scalar is 0 levels deep, `{}` and
 * `[]` are 1, `{"a": [1]}` is 2. Deeper input is refused with a 4xx (or an `isError` tool result) before
 * schema validation, whose recursive JSON schema would otherwise overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests objects/arrays more than `limit` levels deep. Iterative (an explicit stack, never
 * recursion), so any depth is safe to check; it stops at the first container past the limit, and a cyclic
 * object ends there too.
 */
export function exceedsJsonDepth(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const stack: { value: object; depth: number }[] = [];
  if (value !== null && typeof value === 'object') stack.push({ value, depth: 1 });
  for (let top = stack.pop(); top; top = stack.pop()) {
    if (top.depth > limit) return true;
    for (const child of Array.isArray(top.value) ? top.value : Object.values(top.value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: top.depth + 1 });
    }
  }
  return false;
}
