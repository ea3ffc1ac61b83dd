import { defineProject } from 'vitest/config';
import { buildPageSource, PAGE_SOURCE_GLOBAL } from './scripts/buildPage.js';

export default defineProject({
  define: { [PAGE_SOURCE_GLOBAL]: JSON.stringify(buildPageSource()) },
  test: {
    name: 'telemetry',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
