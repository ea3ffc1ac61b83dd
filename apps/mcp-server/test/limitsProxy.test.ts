import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.js';
import { createClientAddressResolver, parseTrustProxy } from '../src/http/security/clientAddress.js';
import { json, post, startTestServer } from './helpers.js';

const resolve = (
  trust: string | undefined,
  socketAddress: string,
  forwardedFor?: string,
  extra: Record<string, string> = {},
) =>
  createClientAddressResolver(trust).resolve({
    socketAddress,
    headers: new Headers({ ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }), ...extra }),
  });

describe('--trust-proxy: validated at config parse time', () => {
  it('accepts a hop count or IPv4/IPv6 CIDRs (mapped form too); the error names the flag and its source', () => {
    for (const value of ['1', '3', '10.0.0.0/8', '127.0.0.1, ::1', 'fd00::/8,192.168.1.7/32', '::ffff:10.0.0.0/104']) {
      const r = parseConfig(['--trust-proxy', value], {});
      expect(r.kind, value).toBe('ok');
    }
    const cases: [string, RegExp][] = [
      ['0', /a hop count must be 1-32/],
      ['33', /a hop count must be 1-32/],
      ['proxy.example', /"proxy.example" is not an IP address or CIDR/],
      ['10.0.0.0/33', /"10.0.0.0\/33": the prefix length must be 0-32/],
      ['fd00::/129', /the prefix length must be 0-128/],
      ['::ffff:10.0.0.0/64', /the prefix length must be 96-128/],
      ['10.0.0.0/8/8', /is not an IP address or CIDR/],
      ['10.0.0.0/x', /invalid prefix length/],
      [' , ', /give a hop count \(1\) or comma-separated proxy CIDRs/],
    ];
    for (const [value, message] of cases) {
      const r = parseConfig(['--trust-proxy', value], {});
      expect(r.kind, value).toBe('error');
      if (r.kind === 'error') {
        expect(r.message, value).toMatch(/^invalid --trust-proxy \(from --trust-proxy\): /);
        expect(r.message, value).toMatch(message);
      }
    }
    const fromEnv = parseConfig([], { WEBSTREAM_TRUST_PROXY: '300.1.1.1/8' });
    expect(fromEnv).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --trust-proxy \(from WEBSTREAM_TRUST_PROXY\): "300.1.1.1\/8"/),
    });
  });
});

describe('client address resolution', () => {
  it('without --trust-proxy: the socket address, whatever X-Forwarded-For says; a proxied loopback socket is not local', () => {
    expect(resolve(undefined, '203.0.113.5', '198.51.100.1')).toEqual({ address: '203.0.113.5', loopback: false });
    expect(resolve(undefined, '::ffff:127.0.0.1')).toEqual({ address: '127.0.0.1', loopback: true });
    expect(resolve(undefined, '::1')).toEqual({ address: '::1', loopback: true });
    expect(resolve(undefined, '127.0.0.1', '198.51.100.1')).toEqual({ address: '127.0.0.1', loopback: false });
    expect(resolve(undefined, '127.0.0.1', undefined, { forwarded: 'for=198.51.100.1' }).loopback).toBe(false);
  });

  it('a hop count trusts that many hops from the socket: the client is the rightmost untrusted entry', () => {
    expect(resolve('1', '127.0.0.1', 'spoofed, 203.0.113.9')).toEqual({ address: '203.0.113.9', loopback: false });
    expect(resolve('2', '127.0.0.1', 'spoofed, 203.0.113.9, 10.0.0.2')).toEqual({
      address: '203.0.113.9',
      loopback: false,
    });
    expect(resolve('1', '127.0.0.1', '[2001:db8::1]:4711').address).toBe('2001:db8::1');
    expect(resolve('1', '127.0.0.1', '203.0.113.9:4711').address).toBe('203.0.113.9');
    expect(resolve('1', '127.0.0.1', '::ffff:203.0.113.9').address).toBe('203.0.113.9');
    // No header, or fewer entries than hops: the farthest address known.
    expect(resolve('1', '127.0.0.1')).toEqual({ address: '127.0.0.1', loopback: true });
    expect(resolve('3', '127.0.0.1', '203.0.113.9').address).toBe('203.0.113.9');
    // An entry that is not an address ends the walk at the last address that was one.
    expect(resolve('2', '10.0.0.1', 'x, garbage, 10.0.0.2').address).toBe('10.0.0.2');
  });

  it('CIDRs trust only the named proxies (IPv4, IPv6, the ::ffff: mapped form)', () => {
    const trust = '127.0.0.0/8, 10.0.0.0/8, fd00::/8';
    expect(resolve(trust, '::ffff:127.0.0.1', 'spoofed, 203.0.113.9, 10.1.2.3').address).toBe('203.0.113.9');
    expect(resolve(trust, 'fd00::1', '2001:db8::7').address).toBe('2001:db8::7');
    // A client that connects directly is not a trusted proxy: its header is not believed.
    expect(resolve(trust, '198.51.100.4', '10.9.9.9')).toEqual({ address: '198.51.100.4', loopback: false });
    expect(resolve('::ffff:127.0.0.1/128', '127.0.0.1', '203.0.113.9').address).toBe('203.0.113.9');
    expect(parseTrustProxy('10.0.0.0/8').ok).toBe(true);
  });
});

describe('limits key on the forwarded client behind a trusted proxy, on the socket otherwise (real sockets)', () => {
  it('--trust-proxy 1: two forwarded clients each get their own stream cap and publish budget', async () => {
    await using server = await startTestServer({
      trustProxy: '1',
      maxConnectionsPerClient: 1,
      rateBurst: 2,
      rateLimit: 0.01,
    });
    const a = { 'x-forwarded-for': '203.0.113.1' };
    const b = { 'x-forwarded-for': '203.0.113.2' };
    const streamA = await fetch(`${server.url}/stream`, { headers: a });
    const streamB = await fetch(`${server.url}/stream`, { headers: b });
    expect([streamA.status, streamB.status]).toEqual([200, 200]);
    const again = await fetch(`${server.url}/stream`, { headers: a });
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('5');
    const clients = await json(await fetch(`${server.url}/api/clients`));
    expect(clients.clients.map((c: { address: string }) => c.address).sort()).toEqual(['203.0.113.1', '203.0.113.2']);
    await streamA.body?.cancel();
    await streamB.body?.cancel();

    const statuses = async (headers: Record<string, string>) => {
      const out = [];
      for (let i = 0; i < 3; i++)
        out.push((await post(`${server.url}/api/push`, { message: `m${i}` }, headers)).status);
      return out;
    };
    expect(await statuses(a)).toEqual([200, 200, 429]);
    expect(await statuses(b)).toEqual([200, 200, 429]);
  });

  it('without --trust-proxy the header is ignored: varying X-Forwarded-For does not dodge a limit', async () => {
    await using server = await startTestServer({ maxConnectionsPerClient: 1, rateBurst: 2, rateLimit: 0.01 });
    const first = await fetch(`${server.url}/stream`, { headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(first.status).toBe(200);
    const second = await fetch(`${server.url}/stream`, { headers: { 'x-forwarded-for': '203.0.113.2' } });
    expect(second.status).toBe(429);
    await first.body?.cancel();
    // A loopback socket that carries X-Forwarded-For is treated as a proxy for someone else: limited, on its address.
    const out = [];
    for (let i = 0; i < 3; i++) {
      out.push(
        (await post(`${server.url}/api/push`, { message: `m${i}` }, { 'x-forwarded-for': `198.51.100.${i}` })).status,
      );
    }
    expect(out).toEqual([200, 200, 429]);
  });
});
