import { z } from 'zod';
import { ACCESS_OPTIONS } from './accessOptions.js';
import { BRIDGE_OPTIONS } from './bridgeOptions.js';
import { BROWSER_OPTIONS } from './browserOptions.js';
import { LIMIT_OPTIONS } from './limitOptions.js';
import { MCP_OPTIONS } from './mcpOptions.js';
import type { OptionSpec } from './optionSpec.js';
import { SERVER_OPTIONS } from './serverOptions.js';
import { STREAM_OPTIONS } from './streamOptions.js';

/**
 * Every option of the server, in the order `--help` and the README list them: the one table the
 * schema, the flags, the `WEBSTREAM_*` variables, the help text and the README's table come from.
 */
export const OPTIONS: typeof SERVER_OPTIONS &
  typeof ACCESS_OPTIONS &
  typeof LIMIT_OPTIONS &
  typeof STREAM_OPTIONS &
  typeof MCP_OPTIONS &
  typeof BROWSER_OPTIONS &
  typeof BRIDGE_OPTIONS = {
  ...SERVER_OPTIONS,
  ...ACCESS_OPTIONS,
  ...LIMIT_OPTIONS,
  ...STREAM_OPTIONS,
  ...MCP_OPTIONS,
  ...BROWSER_OPTIONS,
  ...BRIDGE_OPTIONS,
};

/** The name of an option: its config file key and its field in {@link Config}. */
export type OptionKey = keyof typeof OPTIONS;

/** The table as `[key, spec]` pairs, in order. */
export const OPTION_ENTRIES = Object.entries(OPTIONS) as [OptionKey, OptionSpec][];

/** The fields of {@link ConfigSchema}: each option's validation with its default. */
export type ConfigShape = { [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['schema'] };

/** The whole configuration, validated; unknown keys are refused. Each field's JSDoc gives its default. */
export const ConfigSchema: z.ZodObject<ConfigShape, z.core.$strict> = z.strictObject(
  Object.fromEntries(OPTION_ENTRIES.map(([key, spec]) => [key, spec.schema])) as ConfigShape,
);

/** A validated configuration: every option with a default has a value. */
export type Config = z.infer<typeof ConfigSchema>;
/** What {@link ConfigSchema} accepts: any option may be left out for its default. */
export type ConfigInput = z.input<typeof ConfigSchema>;
