import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseScanner, createStampReader } from './sseScanner.js';

function count(chunks: Buffer[]): number {
  const scanner = createSseScanner();
  return chunks.reduce((n, c) => n + scanner.scan(c, 0, c.length), 0);
}

const splitAt = (bytes: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
};

/** A stream as the servers under test write it: comments, retry, and events with id/event/data. */
const frame = fc.oneof(
  fc.constant(': ok\n\n'),
  fc.constant(': ok\nretry: 2000\n\n'),
  fc.constant(':\n\n'),
  fc
    .tuple(fc.nat(), fc.string({ maxLength: 30 }))
    .map(([id, d]) => `id: ${id}\ndata: ${d.replace(/[\r\n]/g, ' ')}\n\n`),
  fc.string({ maxLength: 30 }).map((d) => `event: message\ndata: ${d.replace(/[\r\n]/g, ' ')}\n\n`),
  fc.string({ maxLength: 30 }).map((d) => `data: ${d.replace(/[\r\n]/g, ' ')}\ndata: more\n\n`),
  fc.nat().map((n) => `event: connected\ndata: {"connectionId":${n},"connection":"ab12.${n}","ackKey":"k"}\n\n`),
  fc.constant('event: connectedness\ndata: x\n\n'),
);

describe('createSseScanner', () => {
  it('counts events and skips comments and a retry-only preamble', () => {
    const text = ': ok\nretry: 2000\n\nid: 1\ndata: a\n\n: ping\n\nevent: x\ndata: b\n\ndata: c\n\n';
    expect(count([Buffer.from(text)])).toBe(3);
  });

  it("does not count webstream's connect-time connected event", () => {
    const text = ': ok\nretry: 2000\n\nevent: connected\ndata: {"connectionId":1}\n\nid: 1\ndata: a\n\n';
    expect(count([Buffer.from(text)])).toBe(1);
    expect(count(splitAt(Buffer.from(text), [22, 25, 40]))).toBe(1);
  });

  it('counts what a spec-compliant parser dispatches (but connected), however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 12 }), fc.array(fc.nat(2000), { maxLength: 12 }), (frames, cuts) => {
        const text = frames.join('');
        let dispatched = 0;
        const parser = createParser({
          onEvent: (e) => {
            if (e.event !== 'connected') dispatched++;
          },
        });
        parser.feed(text);
        expect(count(splitAt(Buffer.from(text), cuts))).toBe(dispatched);
      }),
    );
  });

  it('ignores a blank line in the reused buffer beyond the slice end', () => {
    const buf = Buffer.from('id: 1\ndata: a\n\nid: 2\ndata: b\n\n');
    const scanner = createSseScanner();
    // Slice ends after "data: b\n": the final "\n" is not part of it yet.
    expect(scanner.scan(buf, 0, buf.length - 1)).toBe(1);
    expect(scanner.scan(Buffer.from('\n'), 0, 1)).toBe(1);
  });

  it('scans a sub-range of a buffer only', () => {
    const buf = Buffer.from('xxxxid: 1\ndata: a\n\nyyyy');
    expect(createSseScanner().scan(buf, 4, buf.length - 4)).toBe(1);
  });
});

describe('createStampReader', () => {
  it('reads stamps, including one split across slices, and skips payload tildes', () => {
    const stamps: number[] = [];
    const reader = createStampReader();
    const parts = ['data: [t] ~T12.5;xx\n\ndata: ~', 'T1', '3.25;x ~notastamp', ' ~T14;\n\n'];
    for (const p of parts) reader.read(Buffer.from(p), 0, p.length, (s) => stamps.push(s));
    expect(stamps).toEqual([12.5, 13.25, 14]);
  });
});
