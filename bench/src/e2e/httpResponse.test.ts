import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createResponseParser } from './httpResponse.js';

interface Seen {
  heads: { status: number; headers: ReadonlyMap<string, string> }[];
  body: string;
  ends: number;
  errors: string[];
}

function parse(chunks: Buffer[]): Seen {
  const seen: Seen = { heads: [], body: '', ends: 0, errors: [] };
  const parser = createResponseParser({
    onHead: (status, headers) => seen.heads.push({ status, headers }),
    onBody: (buf, start, end) => {
      seen.body += buf.toString('latin1', start, end);
    },
    onEnd: () => {
      seen.ends++;
    },
    onError: (m) => seen.errors.push(m),
  });
  for (const c of chunks) parser.feed(c);
  return seen;
}

/** Splits `bytes` at the given cut points. */
const split = (bytes: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
};

const chunked = (parts: string[]) =>
  `${parts.map((p) => `${Buffer.byteLength(p, 'latin1').toString(16)}\r\n${p}\r\n`).join('')}0\r\n\r\n`;

describe('createResponseParser', () => {
  it('reads a close-delimited body after the head, however the bytes are split', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n';
    const body = ': ok\n\nid: 1\ndata: hello\n\n';
    fc.assert(
      fc.property(fc.array(fc.nat(200), { maxLength: 8 }), (cuts) => {
        const seen = parse(split(Buffer.from(head + body, 'latin1'), cuts));
        expect(seen.heads.map((h) => h.status)).toEqual([200]);
        expect(seen.heads[0]?.headers.get('content-type')).toBe('text/event-stream');
        expect(seen.body).toBe(body);
        expect(seen.ends).toBe(0);
      }),
    );
  });

  it('decodes a chunked body, split anywhere, and ends at the last chunk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (parts, cuts) => {
          const latin = parts.map((p) => Buffer.from(p, 'utf8').toString('latin1'));
          const wire = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(latin)}`;
          const seen = parse(split(Buffer.from(wire, 'latin1'), cuts));
          expect(seen.errors).toEqual([]);
          expect(seen.body).toBe(latin.join(''));
          expect(seen.ends).toBe(1);
        },
      ),
    );
  });

  it('ignores chunk extensions and takes upper-case hex sizes', () => {
    const wire = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA;x=y\r\n0123456789\r\n0\r\n\r\n';
    expect(parse([Buffer.from(wire)]).body).toBe('0123456789');
  });

  it('reads keep-alive responses back to back: Content-Length, empty and chunked', () => {
    const wire = [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n',
      `HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(['ab', 'c'])}`,
    ].join('');
    const seen = parse([Buffer.from(wire)]);
    expect(seen.heads.map((h) => h.status)).toEqual([200, 429, 202]);
    expect(seen.body).toBe('helloabc');
    expect(seen.ends).toBe(3);
  });

  it('reports a response without a status line and stops', () => {
    const seen = parse([Buffer.from('SSH-2.0-OpenSSH\r\n\r\nmore')]);
    expect(seen.errors).toEqual(['no HTTP/1.x status line']);
    expect(seen.body).toBe('');
  });

  it('reports a bad chunk size', () => {
    const seen = parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')]);
    expect(seen.errors).toEqual(['bad chunk size byte 0x7a']);
  });
});
