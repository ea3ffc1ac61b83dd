import { mkdirSync, writeFileSync } from 'node:fs';
import { packageBuild } from '../../tsup.base.js';
import { buildPageSource, PAGE_SOURCE_GLOBAL } from './scripts/buildPage.js';

const page = buildPageSource();

export default packageBuild({
  entry: ['src/index.ts'],
  define: { [PAGE_SOURCE_GLOBAL]: JSON.stringify(page) },
  // dist/page.js: the same text as a file, for reading and size checks (the library does not load it).
  onSuccess: async () => {
    mkdirSync('dist', { recursive: true });
    writeFileSync('dist/page.js', `${page}\n`);
  },
});
