import { describe, expect, it } from 'vitest';
import { addNonceToCsp } from './csp.js';

const nonce = 'abc123+/=';
const N = `'nonce-${nonce}'`;
const add = (value: string, scriptSource: string | null = null) => addNonceToCsp(value, { nonce, scriptSource });

describe('addNonceToCsp', () => {
  it('adds the nonce to script-src and keeps every other directive', () => {
    const result = add("default-src 'self'; script-src 'self' https://cdn.example; img-src *");
    expect(result.value).toBe(`default-src 'self'; script-src 'self' https://cdn.example ${N}; img-src *`);
    expect(result.notes).toEqual(['script-src: nonce added']);
  });

  it("replaces 'none' by the nonce", () => {
    expect(add("script-src 'none'").value).toBe(`script-src ${N}`);
  });

  it('adds it to script-src-elem as well as script-src', () => {
    expect(add("script-src 'self'; script-src-elem 'self'").value).toBe(
      `script-src 'self' ${N}; script-src-elem 'self' ${N}`,
    );
  });

  it('derives script-src and connect-src from default-src when only default-src is set', () => {
    const result = add("default-src 'none'; style-src 'self'");
    expect(result.value).toBe(`default-src 'none'; style-src 'self'; script-src ${N}; connect-src 'self'`);
    expect(result.notes).toEqual([
      'script-src derived from default-src; script-src: nonce added',
      "connect-src derived from default-src with 'self' added",
    ]);
  });

  it("adds 'self' to a restricted connect-src, leaves one that allows it alone", () => {
    expect(add('connect-src https://api.example').value).toBe("connect-src https://api.example 'self'");
    expect(add("connect-src 'none'").value).toBe("connect-src 'self'");
    expect(add("connect-src 'self' wss://x").notes).toEqual([]);
    expect(add('connect-src *').notes).toEqual([]);
  });

  it("leaves 'unsafe-inline' working: no nonce (it would disable it), the script source added instead", () => {
    const policy = "script-src 'unsafe-inline' https://cdn.example";
    expect(add(policy)).toEqual({ value: policy, notes: [] });
    const withSource = add(policy, 'http://127.0.0.1:4000/__webstream/');
    expect(withSource.value).toBe(`${policy} http://127.0.0.1:4000/__webstream/`);
    expect(add("script-src 'unsafe-inline' 'self'", 'http://127.0.0.1:4000/__webstream/').notes).toEqual([]);
  });

  it("adds the nonce where 'unsafe-inline' is already ignored (a nonce, a hash or 'strict-dynamic' is present)", () => {
    expect(add("script-src 'unsafe-inline' 'nonce-page'").value).toBe(`script-src 'unsafe-inline' 'nonce-page' ${N}`);
    expect(add("script-src 'unsafe-inline' 'sha256-AAAA'").value).toContain(N);
    expect(add("script-src 'strict-dynamic' 'unsafe-inline' https:").value).toContain(N);
  });

  it('keeps a policy without script or fetch restrictions byte for byte', () => {
    const policy = "frame-ancestors 'none';  img-src data: ";
    expect(add(policy)).toEqual({ value: policy, notes: [] });
  });

  it('edits each of several comma-separated policies, and only the first of a repeated directive', () => {
    expect(add("script-src 'self', default-src 'self'").value).toBe(
      `script-src 'self' ${N}, default-src 'self'; script-src 'self' ${N}`,
    );
    expect(add("script-src 'self'; script-src 'none'").value).toBe(`script-src 'self' ${N}; script-src 'none'`);
  });

  it('treats directive names and keywords case-insensitively', () => {
    expect(add("Script-Src 'NONE'").value).toBe(`script-src ${N}`);
    expect(add("CONNECT-SRC 'SELF'").notes).toEqual([]);
  });
});
