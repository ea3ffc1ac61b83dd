import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { envOf, flagOf, fromText } from './optionSpec.js';
import { OPTION_ENTRIES, OPTIONS } from './options.js';

/** The raw values of the options that were given, and where each came from (for error messages). */
export interface Gathered {
  values: Record<string, unknown>;
  /** Per option key: `--port`, `WEBSTREAM_PORT` or `config file x.json, key "port"`. */
  sources: Record<string, string>;
}

/** The options of a JSON config file, or why it cannot be used (naming the file). */
export type FileOptions = { ok: true; values: Record<string, unknown> } | { ok: false; message: string };

const camel = (name: string) => name.replace(/[-_]+([a-z])/gi, (_, c: string) => c.toUpperCase());

/** A hint for a key that is not an option: `max-body-bytes` or `MaxBodyBytes` → `maxBodyBytes`. */
function suggestion(key: string): string {
  const wanted = camel(key).toLowerCase();
  const match = OPTION_ENTRIES.find(([name]) => name.toLowerCase() === wanted);
  return match ? ` (did you mean "${match[0]}"?)` : '';
}

/** Reads a config file: a JSON object whose keys are option names. */
export function readConfigFile(file: string): FileOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (error) {
    return { ok: false, message: `cannot read config file ${file}: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: `config file ${file} must contain a JSON object` };
  }
  const unknown = Object.keys(parsed).filter((key) => !Object.hasOwn(OPTIONS, key));
  if (unknown.length > 0) {
    const listed = unknown.map((key) => `${key}${suggestion(key)}`).join(', ');
    const known = OPTION_ENTRIES.map(([key]) => key).join(', ');
    return { ok: false, message: `config file ${file} has unknown key(s) ${listed} (known keys: ${known})` };
  }
  return { ok: true, values: parsed as Record<string, unknown> };
}

/**
 * Merges the three sources, later ones winning: the file's values, then `WEBSTREAM_*` variables, then
 * flags. Text from the environment and flags becomes numbers, switches and lists here.
 */
export function gather(
  file: { name: string; values: Record<string, unknown> } | undefined,
  env: NodeJS.ProcessEnv,
  flags: Record<string, unknown>,
): Gathered {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [key, value] of Object.entries(file?.values ?? {})) {
    values[key] = value;
    sources[key] = `config file ${file?.name}, key "${key}"`;
  }
  for (const [key, spec] of OPTION_ENTRIES) {
    const raw = env[envOf(key, spec)];
    if (raw === undefined) continue;
    values[key] = fromText(spec, raw);
    sources[key] = envOf(key, spec);
  }
  for (const [key, spec] of OPTION_ENTRIES) {
    const value = flags[key];
    if (value === undefined) continue;
    values[key] = typeof value === 'string' ? fromText(spec, value) : value;
    sources[key] = flagOf(key);
  }
  return { values, sources };
}
