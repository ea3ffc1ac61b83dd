import { describe, expect, it } from 'vitest';
import { parseTtl } from '../../tokenCommand.js';
import { badPattern, matchesAny } from './channelPatterns.js';

describe('channel patterns', () => {
  it('* is any run of characters, everything else literal (a dot is a dot)', () => {
    expect(matchesAny(['news.*'], 'news.world')).toBe(true);
    expect(matchesAny(['news.*'], 'news.world.europe')).toBe(true);
    expect(matchesAny(['news.*'], 'newsxworld')).toBe(false);
    expect(matchesAny(['news.*'], 'news')).toBe(false);
    expect(matchesAny(['*'], 'anything')).toBe(true);
    expect(matchesAny(['a*z'], 'abcz')).toBe(true);
    expect(matchesAny([], 'x')).toBe(false);
    expect(matchesAny(['ops', 'dev'], 'dev')).toBe(true);
  });

  it('names the first malformed pattern', () => {
    expect(badPattern(['news.*', 'ok'])).toBeUndefined();
    expect(badPattern(['news/*'])).toBe('news/*');
    expect(badPattern([7])).toBe('7');
  });

  it('token lifetimes: 90, 90s, 30m, 1h, 7d', () => {
    expect([parseTtl('90'), parseTtl('90s'), parseTtl('30m'), parseTtl('1h'), parseTtl('7d')]).toEqual([
      90, 90, 1800, 3600, 604800,
    ]);
    expect([parseTtl('0'), parseTtl('1w'), parseTtl('-1h'), parseTtl('')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
