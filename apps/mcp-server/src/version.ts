import { createRequire } from 'node:module';

/** Set by the build (tsup `define`) from package.json's `version`; absent when running from source. */
declare const __WEBSTREAM_VERSION__: string | undefined;

/** The server version: package.json's, written in at build time (read from package.json when running from source). */
export const VERSION: string =
  typeof __WEBSTREAM_VERSION__ === 'string'
    ? __WEBSTREAM_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
