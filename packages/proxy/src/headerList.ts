/** Response headers as ordered name/value pairs (duplicates such as `set-cookie` kept, original case kept). */
export type HeaderPairs = [name: string, value: string][];

/** Hop-by-hop headers: they describe one connection and are never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

/**
 * The target's response headers as the proxy forwards them: hop-by-hop headers (and those the
 * `Connection` header names) removed, a `Location` pointing at the target origin rewritten to the proxy
 * origin, so a redirect stays on the proxy.
 */
export function forwardableHeaders(
  rawHeaders: readonly string[],
  targetOrigin: string,
  proxyOrigin: string,
): HeaderPairs {
  const pairs: HeaderPairs = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  const named = new Set(HOP_BY_HOP);
  for (const value of headerValues(pairs, 'connection'))
    for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  const out = pairs.filter(([name]) => !named.has(name.toLowerCase()));
  for (const pair of out) {
    if (pair[0].toLowerCase() !== 'location') continue;
    const value = pair[1];
    if (value.toLowerCase().startsWith(targetOrigin.toLowerCase())) {
      const rest = value.slice(targetOrigin.length);
      if (rest === '' || /^[/?#]/.test(rest)) pair[1] = proxyOrigin + rest;
    }
  }
  return out;
}

/** Every value of `name` (case-insensitive). */
export function headerValues(pairs: HeaderPairs, name: string): string[] {
  const lower = name.toLowerCase();
  return pairs.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Removes every header named in `names` (case-insensitive), in place. */
export function removeHeaders(pairs: HeaderPairs, ...names: string[]): void {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  for (let i = pairs.length - 1; i >= 0; i--)
    if (lower.has((pairs[i] as [string, string])[0].toLowerCase())) pairs.splice(i, 1);
}

/** Replaces every `name` header by one with `value`, in place. */
export function setHeader(pairs: HeaderPairs, name: string, value: string): void {
  removeHeaders(pairs, name);
  pairs.push([name, value]);
}

/** The flat `[name, value, name, value, …]` list `ServerResponse.writeHead` takes. */
export function flatHeaders(pairs: HeaderPairs): string[] {
  return pairs.flat();
}
