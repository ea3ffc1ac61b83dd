// Rewrites the option table in the repository README's Configuration section from the option table:
// `pnpm --filter @ws/mcp-server config:readme`. config.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { README_PATH, withConfigTable } from './readmeTable.js';

const before = readFileSync(README_PATH, 'utf8');
const after = withConfigTable(before);
if (after !== before) writeFileSync(README_PATH, after);
process.stderr.write(`${README_PATH}: configuration table ${after === before ? 'already up to date' : 'rewritten'}\n`);
