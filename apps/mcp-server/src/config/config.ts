// The configuration of the server, for its importers: one table of options (./options.ts, built from
// ./serverOptions.ts, ./limitOptions.ts, ./streamOptions.ts and ./mcpOptions.ts) gives the schema, the
// flags, the WEBSTREAM_* variables, the help text and the README's table.
export { describeConfig } from './describeConfig.js';
export { isLoopback } from './network.js';
export type { Config, ConfigInput, OptionKey } from './options.js';
export { ConfigSchema, OPTIONS } from './options.js';
export type { ParseResult } from './parseConfig.js';
export { CONFIG_FILE_ENV, parseConfig } from './parseConfig.js';
