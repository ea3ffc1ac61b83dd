import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares (STYLE.md rule 3): ESM only, source maps, Node 20, and type
 * declarations unless the build is run with `--env.TYPES skip` (`pnpm build:js`): declarations are
 * most of the build time and the server never loads them, so `pnpm start` skips them.
 */
export function packageBuild(options: Options & { entry: string[] }) {
  return defineConfig((flags) => {
    const types = flags.env?.TYPES !== 'skip';
    return {
      format: ['esm'],
      sourcemap: true,
      target: 'node20',
      dts: types,
      // A JS-only build keeps declarations from an earlier full build rather than deleting them.
      clean: types,
      ...options,
      ...(types ? {} : { dts: false }),
    };
  });
}
