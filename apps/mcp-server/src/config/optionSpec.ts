import { z } from 'zod';

/** How a value written as text (a flag or an environment variable) becomes the option's value. */
export type OptionKind = 'string' | 'number' | 'boolean' | 'list';

/** What `--help` and the README say about an option. */
export interface OptionDoc {
  /** Placeholder of the flag's value (`--port <port>`); omitted for a switch (boolean). */
  arg?: string;
  /** One short line for `--help` and the README. */
  help: string;
  /** How the default reads, when the value alone does not say it (`the working directory`). */
  defaultText?: string;
  /** Environment variable, when it is not `WEBSTREAM_` + the key in SNAKE_CASE. */
  env?: string;
}

/** One option of the table: its validation, its default and its documentation. */
export interface OptionSpec<S extends z.ZodType = z.ZodType> extends OptionDoc {
  /** The field of `ConfigSchema`: the validation with the default (or optional). */
  schema: S;
  /** The validation alone, without the default. */
  check: z.ZodType;
  /** How text becomes the value, from the validation's type. */
  kind: OptionKind;
  /** The default value, or a function computing it at parse time; `undefined`: unset. */
  default: unknown;
}

function kindOf(check: z.ZodType): OptionKind {
  if (check instanceof z.ZodNumber) return 'number';
  if (check instanceof z.ZodBoolean) return 'boolean';
  if (check instanceof z.ZodArray) return 'list';
  return 'string';
}

type Default<S extends z.ZodType> = z.core.util.NoUndefined<z.output<S>>;

/** An option with a default: `value`, or a function computing it when a config is parsed. */
export function withDefault<S extends z.ZodType>(
  check: S,
  value: Default<S> | (() => Default<S>),
  doc: OptionDoc,
): OptionSpec<z.ZodDefault<S>> {
  const schema = typeof value === 'function' ? check.default(value as () => Default<S>) : check.default(value);
  return { ...doc, schema, check, kind: kindOf(check), default: value };
}

/** An option that is unset unless given. */
export function optional<S extends z.ZodType>(check: S, doc: OptionDoc): OptionSpec<z.ZodOptional<S>> {
  return { ...doc, schema: check.optional(), check, kind: kindOf(check), default: undefined };
}

const number = () =>
  z.number({ error: (issue) => `must be a number, got ${JSON.stringify(issue.input) ?? String(issue.input)}` });

/** A whole number from `min` (to `max`). */
export const whole = (min: number, max?: number) => {
  const n = number().int('must be a whole number').min(min, `must be at least ${min}`);
  return max === undefined ? n : n.max(max, `must be at most ${max}`);
};

/** A number above 0 (fractions allowed). */
export const positive = () => number().positive('must be above 0');

/** A switch: `true`/`false` (`1`/`0`, `yes`/`no` in a flag or the environment). */
export const onOff = () =>
  z.boolean({ error: (issue) => `must be true or false, got ${JSON.stringify(issue.input) ?? String(issue.input)}` });

/** A list: comma-separated in a flag or the environment, a JSON array in the file. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'must be a list (comma-separated in a flag or the environment, a JSON array in the file)' });

/** The option's flag without its value: `maxBodyBytes` → `--max-body-bytes`. */
export const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The flag with its value placeholder, as commander and the README show it: `--port <port>`. */
export const flagSyntax = (key: string, spec: OptionSpec) => (spec.arg ? `${flagOf(key)} <${spec.arg}>` : flagOf(key));

/** The option's environment variable: `maxBodyBytes` → `WEBSTREAM_MAX_BODY_BYTES`. */
export const envOf = (key: string, spec: OptionSpec) =>
  spec.env ?? `WEBSTREAM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** The option's value from text (a flag or an environment variable); text that does not fit is kept for the error. */
export function fromText(spec: OptionSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() === '' || Number.isNaN(n) ? raw : n;
    }
    case 'boolean':
      if (/^(1|true|yes)$/i.test(raw)) return true;
      if (/^(0|false|no|)$/i.test(raw)) return false;
      return raw;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

/** The default as `--help` and the README print it (without markdown). */
export function defaultTextOf(spec: OptionSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  const value = spec.default;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'none';
  if (value === false) return 'off';
  return String(value);
}

/** The accepted range of a number, when it says more than "from 0" or "from 1": `at least 1000`, `0 to 65535`. */
export function rangeOf(spec: OptionSpec): string | undefined {
  if (!(spec.check instanceof z.ZodNumber)) return undefined;
  const min = spec.check.minValue ?? Number.NEGATIVE_INFINITY;
  const max = spec.check.maxValue ?? Number.POSITIVE_INFINITY;
  if (max < Number.MAX_SAFE_INTEGER) return `${min} to ${max}`;
  return min > 1 ? `at least ${min}` : undefined;
}
