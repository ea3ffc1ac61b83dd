import fc from 'fast-check';
import { junkValue, oddNumber, specialString, weirdString } from './arbitraries.js';

/** The part of JSON Schema that MCP tool input schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern), { maxLength: s.maxLength });
    } catch {
      // an unsupported pattern: fall through to plain strings
    }
  }
  const minLength = s.minLength ?? 0;
  return fc.string({ unit: 'grapheme', minLength, maxLength: Math.max(minLength, Math.min(s.maxLength ?? 30, 60)) });
}

/** Values that satisfy `schema`. */
export function validFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validFor(s, depth + 1)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => validFor({ ...schema, type }, depth)));
  switch (schema.type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? (schema.exclusiveMinimum === undefined ? -1e6 : schema.exclusiveMinimum + 1),
        max: schema.maximum ?? (schema.exclusiveMaximum === undefined ? 1e6 : schema.exclusiveMaximum - 1),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(validFor(schema.items ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validFor(v, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default:
      return junkValue;
  }
}

/** Values just outside `schema`: off-by-one bounds, empty and over-long strings, wrong types. */
export function nearFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const edges: unknown[] = [null, true, [], {}, '', 'x'.repeat(70_000)];
  if (schema.minimum !== undefined) edges.push(schema.minimum - 1, schema.minimum - 0.5);
  if (schema.maximum !== undefined) edges.push(schema.maximum + 1, schema.maximum + 0.5);
  if (schema.type === 'integer' || schema.type === 'number') edges.push('5', 1.5, -0, 1e308, -1);
  if (schema.maxLength !== undefined) edges.push('y'.repeat(schema.maxLength + 1));
  if (schema.minLength !== undefined && schema.minLength > 0) edges.push('y'.repeat(schema.minLength - 1));
  if (schema.enum) edges.push(...schema.enum.map((e) => (typeof e === 'string' ? e.toUpperCase() : e)), 'other');
  if (schema.format === 'date-time') edges.push('2024-13-01T00:00:00Z', 'yesterday', '0', '2024-01-01');
  if (schema.pattern) edges.push('a b', 'a\r\nb', '\0');
  return fc.oneof(fc.constantFrom(...edges), oddNumber, specialString, weirdString(20));
}

/**
 * Arguments for a tool with input `schema`: mostly valid, else one field set just outside the
 * schema or to any JSON value, a required field dropped, extra fields added, or no object at all.
 */
export function argumentsFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.entries(schema.properties ?? {});
  const valid = validFor({ ...schema, type: 'object' }) as fc.Arbitrary<Record<string, unknown>>;
  const variants: fc.Arbitrary<unknown>[] = [
    fc.dictionary(fc.oneof(weirdString(10), specialString), junkValue, { maxKeys: 3 }),
    fc
      .tuple(valid, fc.dictionary(weirdString(10), junkValue, { minKeys: 1, maxKeys: 2 }))
      .map(([v, extra]) => ({ ...extra, ...v })),
  ];
  if (props.length > 0) {
    const field = fc.constantFrom(...props);
    variants.push(
      fc
        .tuple(
          valid,
          field.chain(([k, s]) => nearFor(s).map((v) => [k, v] as const)),
        )
        .map(([v, [k, bad]]) => ({ ...v, [k]: bad })),
      fc.tuple(valid, field, junkValue).map(([v, [k], junk]) => ({ ...v, [k]: junk })),
      fc.tuple(valid, field).map(([v, [k]]) => {
        const { [k]: _dropped, ...rest } = v;
        return rest;
      }),
    );
  }
  return fc.oneof({ arbitrary: valid, weight: 3 }, ...variants.map((arbitrary) => ({ arbitrary, weight: 1 })));
}
