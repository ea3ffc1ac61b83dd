// Writes docs/schemas/events.schema.json from the zod schemas (run: pnpm --filter @ws/events schemas).
import { writeFileSync } from 'node:fs';
import { toJsonSchemas } from '../src/jsonSchema.js';

const target = new URL('../../../docs/schemas/events.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(toJsonSchemas(), null, 2)}\n`);
console.error(`wrote ${target.pathname}`);
