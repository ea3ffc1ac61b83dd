import { afterEach } from 'vitest';

/** Registers teardown steps for the current test (run newest first, like a stack). */
export type Defer = (...steps: (() => unknown)[]) => void;

/**
 * Teardown for tests that open several resources: returns `defer(step)`; after each test the steps
 * run newest first, each awaited, all of them even when one throws (the first error is rethrown).
 * Call it once at the top of a test file (or of a `describe`).
 *
 * @example const defer = cleanupAfterEach(); ... defer(() => server.close());
 */
export function cleanupAfterEach(): Defer {
  let steps: (() => unknown)[] = [];
  afterEach(async () => {
    const run = steps.reverse();
    steps = [];
    const errors: unknown[] = [];
    for (const step of run) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (...added) => {
    steps.push(...added);
  };
}
