// Which URLs a process prints get a proxy: dev servers on this machine, one per port.

const LOOPBACK_NAMES = new Set(['localhost', '0.0.0.0', '[::1]', '[::]']);

/** A detected URL as a proxy target, or undefined when it is not a dev server on this machine. */
export function proxyTargetOf(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase();
  if (!LOOPBACK_NAMES.has(host) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return undefined;
  // A server that says it listens on every address (0.0.0.0, ::) is reached on loopback.
  if (host === '0.0.0.0') url.hostname = '127.0.0.1';
  if (host === '[::]') url.hostname = '[::1]';
  return url;
}

/** The port a URL reaches (its explicit port, else the scheme's). */
export const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** One proxy per dev server: `localhost:5173` and `127.0.0.1:5173` are the same server. */
export const serverKeyOf = (url: URL): string => `${url.protocol}${portOf(url)}`;
