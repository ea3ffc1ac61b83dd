import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach } from './cleanup.js';

describe('cleanupAfterEach', () => {
  const defer = cleanupAfterEach();
  const ran: string[] = [];
  afterAll(() => {
    // Newest first, and the second test's steps after the first's.
    expect(ran).toEqual(['b', 'a', 'c']);
  });

  it('runs the steps after the test, newest first', () => {
    defer(() => ran.push('a'));
    defer(async () => ran.push('b'));
    expect(ran).toEqual([]);
  });

  it('starts empty for the next test', () => {
    expect(ran).toEqual(['b', 'a']);
    defer(() => ran.push('c'));
  });
});
