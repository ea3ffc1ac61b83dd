import { createRequire } from 'node:module';

/** The server version: the `version` of this package's package.json (one level up from src/ and dist/). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
