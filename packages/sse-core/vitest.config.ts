import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'sse-core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
