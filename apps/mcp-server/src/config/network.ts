/**
 * Whether `host` is a loopback bind (`localhost`, `127.x.x.x`, `::1`), reachable from this machine only.
 * Wildcard binds (`0.0.0.0`, `::`) are not.
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
