import { Command, CommanderError, Option } from 'commander';
import type { z } from 'zod';
import { gather, readConfigFile } from './configSources.js';
import { defaultTextOf, envOf, flagOf, flagSyntax, rangeOf } from './optionSpec.js';
import { type Config, ConfigSchema, OPTION_ENTRIES } from './options.js';

/** Result of {@link parseConfig}. */
export type ParseResult =
  | { kind: 'ok'; config: Config }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

/** The environment variable naming the config file, like `--config <file>`. */
export const CONFIG_FILE_ENV = 'WEBSTREAM_CONFIG';

const HELP_FOOTER = `
Every option can also come from the environment variable shown with it, or from a JSON file given
with --config <file> or ${CONFIG_FILE_ENV}, whose keys are the option names in camelCase (port,
maxBodyBytes, ...). Precedence: flags, then environment, then file.

webstream token --sub <subject> [--subscribe <patterns>] [--publish <patterns>] [--ttl 1h] mints a
JWT signed with WEBSTREAM_JWT_SECRET (see webstream token --help).
`;

function createProgram(): Command {
  const program = new Command('webstream')
    .description('Push real-time events to web pages (SSE at /stream) and AI assistants (MCP).')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .helpOption('-h, --help', 'show this help')
    .option('-v, --version', 'print the version and exit')
    .option('--config <file>', `JSON file with any of the options below, by name (env ${CONFIG_FILE_ENV})`);
  for (const [key, spec] of OPTION_ENTRIES) {
    const notes = [rangeOf(spec), `default: ${defaultTextOf(spec)}`, `env ${envOf(key, spec)}`];
    const description = `${spec.help} (${notes.filter(Boolean).join('; ')})`;
    program.addOption(new Option(flagSyntax(key, spec), description));
  }
  return program;
}

/**
 * Commander stores a `--no-x` switch under `x` (true unless given); the table's key is `noX`, set only
 * when the flag was given.
 */
function negatedSwitches(flags: Record<string, unknown>): void {
  for (const [key, spec] of OPTION_ENTRIES) {
    if (spec.kind !== 'boolean' || !/^no[A-Z]/.test(key)) continue;
    const positive = `${key.charAt(2).toLowerCase()}${key.slice(3)}`;
    if (flags[positive] === false) flags[key] = true;
    delete flags[positive];
  }
}

/** The first validation problem, naming the option by its flag and the source of the bad value. */
function describeIssue(issue: z.core.$ZodIssue, sources: Record<string, string>): string {
  const key = String(issue.path[0] ?? '');
  const name = key ? flagOf(key) : 'config';
  return `invalid ${name} (from ${sources[key] ?? name}): ${issue.message}`;
}

/**
 * Builds the config from CLI flags, `WEBSTREAM_*` environment variables and an optional JSON file
 * (`--config <file>` or `WEBSTREAM_CONFIG`), in that order of precedence. `-h`/`--help` gives the help
 * text, `-v`/`--version` asks for the version. Errors name the option and where its value came from.
 */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParseResult {
  const program = createProgram();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
      return { kind: 'help', text: `${program.helpInformation()}${HELP_FOOTER}` };
    }
    return { kind: 'error', message: `${error.message.replace(/^error: /, '')} (see webstream --help)` };
  }
  const flags = program.opts<Record<string, unknown>>();
  if (flags.version === true) return { kind: 'version' };
  negatedSwitches(flags);

  const fileName = (flags.config as string | undefined) ?? env[CONFIG_FILE_ENV];
  let file: { name: string; values: Record<string, unknown> } | undefined;
  if (fileName) {
    const read = readConfigFile(fileName);
    if (!read.ok) return { kind: 'error', message: read.message };
    file = { name: fileName, values: read.values };
  }
  const { values, sources } = gather(file, env, flags);
  const result = ConfigSchema.safeParse(values);
  if (!result.success) {
    return { kind: 'error', message: describeIssue(result.error.issues[0] as z.core.$ZodIssue, sources) };
  }
  return { kind: 'ok', config: result.data };
}
