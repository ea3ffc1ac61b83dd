import type { Options } from 'tsup';

/** The build every library shares (STYLE.md rule 3): ESM only, d.ts, source maps, Node 20. */
export const libraryBuild: Options = {
  format: ['esm'],
  dts: true,
  sourcemap: true,
  target: 'node20',
  clean: true,
};
