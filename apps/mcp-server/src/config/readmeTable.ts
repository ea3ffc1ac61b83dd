import { fileURLToPath } from 'node:url';
import { defaultTextOf, envOf, flagSyntax, type OptionSpec, rangeOf } from './optionSpec.js';
import { OPTION_ENTRIES } from './options.js';
import { CONFIG_FILE_ENV } from './parseConfig.js';

/** Opens the generated table in the README's Configuration section (an HTML comment, invisible there). */
export const TABLE_START =
  '<!-- config-table: generated from apps/mcp-server/src/config by `pnpm --filter @ws/mcp-server config:readme`; edit the options there -->';
/** Closes the generated table. */
export const TABLE_END = '<!-- /config-table -->';

/** The repository README, four levels up from apps/mcp-server/src/config. */
export const README_PATH = fileURLToPath(new URL('../../../../README.md', import.meta.url));

const SECTION = '### Configuration';

const cell = (text: string) => text.replaceAll('|', '\\|');
const code = (text: string) => `\`${text}\``;

/** `524288` → `512 KiB`, `15000` (ms) → `15 s`: how big a default is, at a glance. */
function magnitude(key: string, value: unknown): string {
  if (typeof value !== 'number' || value === 0) return '';
  if (key.endsWith('Bytes') && value % 1024 === 0) {
    return value % (1024 * 1024) === 0 ? ` (${value / 1024 / 1024} MiB)` : ` (${value / 1024} KiB)`;
  }
  if (key.endsWith('Ms') && value % 1000 === 0) return ` (${value / 1000} s)`;
  return '';
}

function defaultCell(key: string, spec: OptionSpec): string {
  if (spec.defaultText !== undefined || typeof spec.default === 'function') return defaultTextOf(spec);
  const text = defaultTextOf(spec);
  return spec.default === undefined || text === 'none' || text === 'off'
    ? text
    : code(text) + magnitude(key, spec.default);
}

function describe(spec: OptionSpec): string {
  const range = rangeOf(spec);
  return range === undefined ? spec.help : `${spec.help} (${range})`;
}

/** The README's option table, one row per option, from the option table. */
export function configTable(): string {
  const rows = [
    '| flag | env | file key | default | what it sets |',
    '|---|---|---|---|---|',
    `| ${cell(code('--config <file>'))} | ${code(CONFIG_FILE_ENV)} | | none | JSON file with any of the options below, keyed by name |`,
  ];
  for (const [key, spec] of OPTION_ENTRIES) {
    const cells = [
      code(flagSyntax(key, spec)),
      code(envOf(key, spec)),
      code(key),
      defaultCell(key, spec),
      describe(spec),
    ];
    rows.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return rows.join('\n');
}

/** Where the generated table sits in `readme`: inside the Configuration section, between the markers. */
function locate(readme: string): { from: number; to: number } | { error: string } {
  const section = readme.indexOf(`\n${SECTION}\n`);
  if (section === -1) return { error: `the README has no "${SECTION}" section` };
  const next = readme.slice(section + SECTION.length + 2).search(/^#{1,3} /m);
  const end = next === -1 ? readme.length : section + SECTION.length + 2 + next;
  const start = readme.indexOf(TABLE_START, section);
  const stop = readme.indexOf(TABLE_END, start);
  if (start === -1 || stop === -1 || stop > end) {
    return { error: `the README's "${SECTION}" section lacks the markers ${TABLE_START} ... ${TABLE_END}` };
  }
  return { from: start + TABLE_START.length, to: stop };
}

/** The table the README has now (between the markers), or why it cannot be found. */
export function readmeConfigTable(readme: string): { ok: true; table: string } | { ok: false; message: string } {
  const at = locate(readme);
  if ('error' in at) return { ok: false, message: at.error };
  return { ok: true, table: readme.slice(at.from, at.to).trim() };
}

/** `readme` with its Configuration table regenerated. Throws if the section or its markers are missing. */
export function withConfigTable(readme: string): string {
  const at = locate(readme);
  if ('error' in at) throw new Error(at.error);
  return `${readme.slice(0, at.from)}\n${configTable()}\n${readme.slice(at.to)}`;
}
