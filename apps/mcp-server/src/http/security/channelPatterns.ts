/**
 * Channel patterns, as JWT claims, `--anonymous-subscribe` and bridge access name them: a channel
 * name in which `*` stands for any run of characters (`news.*` matches `news.world` and
 * `news.world.europe`; `*` alone matches every channel). Anything else is literal.
 */

/** A pattern: 1-64 characters of a channel name, or `*`. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9._:*-]{1,64}$/;

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

function regexOf(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.]/g, '\\.'))
      .join('.*');
    re = new RegExp(`^${body}$`);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Whether `channel` matches one of `patterns`. */
export function matchesAny(patterns: readonly string[], channel: string): boolean {
  for (const p of patterns)
    if (p === '*' || p === channel || (p.includes('*') && regexOf(p).test(channel))) return true;
  return false;
}

/** Whether every pattern is well formed; the first bad one otherwise. */
export function badPattern(patterns: readonly unknown[]): string | undefined {
  for (const p of patterns) if (typeof p !== 'string' || !CHANNEL_PATTERN.test(p)) return String(p);
  return undefined;
}
