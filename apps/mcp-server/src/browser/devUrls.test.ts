import { describe, expect, it } from 'vitest';
import { portOf, proxyTargetOf, serverKeyOf } from './devUrls.js';

describe('which printed URLs get a proxy', () => {
  it('takes dev servers on this machine, reached on loopback', () => {
    expect(proxyTargetOf('http://localhost:5173/')?.href).toBe('http://localhost:5173/');
    expect(proxyTargetOf('http://127.0.0.1:3000/app')?.href).toBe('http://127.0.0.1:3000/app');
    expect(proxyTargetOf('http://0.0.0.0:8080/')?.href).toBe('http://127.0.0.1:8080/');
    expect(proxyTargetOf('https://[::1]:8443/')?.href).toBe('https://[::1]:8443/');
  });

  it('leaves out other hosts, other schemes and text that is no URL', () => {
    expect(proxyTargetOf('http://192.168.1.5:5173/')).toBeUndefined();
    expect(proxyTargetOf('https://vitejs.dev/guide')).toBeUndefined();
    expect(proxyTargetOf('ftp://localhost/')).toBeUndefined();
    expect(proxyTargetOf('not a url')).toBeUndefined();
  });

  it('keys one server by scheme and port, whatever loopback name printed it', () => {
    const a = proxyTargetOf('http://localhost:5173/') as URL;
    const b = proxyTargetOf('http://127.0.0.1:5173/other') as URL;
    expect(serverKeyOf(a)).toBe(serverKeyOf(b));
    expect(portOf(new URL('http://localhost/'))).toBe(80);
    expect(portOf(new URL('https://localhost/'))).toBe(443);
  });
});
