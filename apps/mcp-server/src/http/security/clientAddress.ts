import { BlockList, isIP } from 'node:net';

/** Most proxy hops `--trust-proxy <n>` may name. */
export const MAX_TRUSTED_HOPS = 32;

/** Which X-Forwarded-For hops to believe: the nearest `hops` of them, or those whose address is in `proxies`. */
export type TrustProxy = { kind: 'hops'; hops: number } | { kind: 'cidrs'; proxies: BlockList };

/** Who a request comes from, as limits see it. */
export interface ClientAddress {
  /** The client's IP address (IPv4-mapped IPv6 written as IPv4), or `unknown` when the runtime gives none. */
  address: string;
  /** Whether the client is on this machine (and not behind a proxy that `--trust-proxy` does not name). */
  loopback: boolean;
}

/** Resolves the client address of a request. */
export interface ClientAddressResolver {
  resolve(request: { socketAddress: string | undefined; headers: Headers }): ClientAddress;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:127.0.0.1` → `127.0.0.1`, lower case, so one client has one key whatever the socket family. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return MAPPED_V4.exec(a)?.[1] ?? a;
}

/** Whether an IP address is a loopback address (127.0.0.0/8, ::1, or their IPv4-mapped form). */
export function isLoopbackAddress(address: string): boolean {
  const a = normalizeAddress(address);
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1';
}

/** An X-Forwarded-For entry without a port (`1.2.3.4:80`, `[::1]:80`), normalized; undefined if not an IP. */
function forwardedAddress(entry: string): string | undefined {
  let a = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1] as string;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  return isIP(a) ? normalizeAddress(a) : undefined;
}

function parseCidr(entry: string, proxies: BlockList): string | undefined {
  const [rawAddress = '', prefixText, extra] = entry.split('/');
  const address = normalizeAddress(rawAddress);
  const family = isIP(address);
  if (family === 0 || extra !== undefined)
    return `"${entry}" is not an IP address or CIDR (like 10.0.0.0/8 or fd00::/8)`;
  const max = family === 4 ? 32 : 128;
  // A mapped prefix (::ffff:10.0.0.0/104) counts in IPv6 bits; as IPv4 it is 96 bits shorter.
  const mappedShift = family === 4 && rawAddress.includes(':') ? 96 : 0;
  const prefix = prefixText === undefined ? max : Number(prefixText) - mappedShift;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return `"${entry}" has an invalid prefix length`;
  if (!(prefix >= 0 && prefix <= max))
    return `"${entry}": the prefix length must be ${mappedShift}-${max + mappedShift}`;
  proxies.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return undefined;
}

/**
 * Parses a `--trust-proxy` value: a hop count (`1`: the socket peer is a proxy and the rightmost
 * X-Forwarded-For entry is the client) or comma-separated addresses/CIDRs of the proxies, IPv4 or IPv6.
 */
export function parseTrustProxy(value: string): { ok: true; trust: TrustProxy } | { ok: false; message: string } {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= MAX_TRUSTED_HOPS) return { ok: true, trust: { kind: 'hops', hops } };
    return {
      ok: false,
      message: `a hop count must be 1-${MAX_TRUSTED_HOPS} (leave --trust-proxy unset to ignore X-Forwarded-For)`,
    };
  }
  const proxies = new BlockList();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return { ok: false, message: 'give a hop count (1) or comma-separated proxy CIDRs' };
  for (const entry of entries) {
    const problem = parseCidr(entry, proxies);
    if (problem) return { ok: false, message: `${problem}; give a hop count (1) or comma-separated proxy CIDRs` };
  }
  return { ok: true, trust: { kind: 'cidrs', proxies } };
}

const isTrusted = (proxies: BlockList, address: string) =>
  proxies.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Builds the resolver. Without `trustProxy` the socket address is the client and forwarding headers are
 * ignored for keying; a loopback socket that carries X-Forwarded-For or Forwarded then does not count as
 * local (it is most likely a reverse proxy on this machine). With it, the client is the rightmost
 * X-Forwarded-For entry that is not a trusted proxy (or the entry `hops` steps from the socket).
 * @throws TypeError if `trustProxy` is invalid (config validation rejects it first).
 */
export function createClientAddressResolver(trustProxy?: string): ClientAddressResolver {
  let trust: TrustProxy | undefined;
  if (trustProxy !== undefined) {
    const parsed = parseTrustProxy(trustProxy);
    if (!parsed.ok) throw new TypeError(`invalid --trust-proxy: ${parsed.message}`);
    trust = parsed.trust;
  }
  return {
    resolve({ socketAddress, headers }) {
      if (socketAddress === undefined) return { address: 'unknown', loopback: false };
      const socket = normalizeAddress(socketAddress);
      const forwardedFor = headers.get('x-forwarded-for');
      if (!trust) {
        const proxied = forwardedFor !== null || headers.has('forwarded');
        return { address: socket, loopback: isLoopbackAddress(socket) && !proxied };
      }
      const chain = (forwardedFor ?? '').split(',').slice(-(MAX_TRUSTED_HOPS + 1));
      let address = socket;
      for (let step = 1; step <= chain.length; step++) {
        const stillProxy = trust.kind === 'hops' ? step <= trust.hops : isTrusted(trust.proxies, address);
        if (!stillProxy) break;
        // An entry that is not an IP address ends the walk: the last address we could read stands.
        const next = forwardedAddress(chain[chain.length - step] as string);
        if (next === undefined) break;
        address = next;
      }
      return { address, loopback: isLoopbackAddress(address) };
    },
  };
}
