import { pipeline, Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountingStream, isTextType, recordBody, utf8Prefix } from './bodyCapture.js';

describe('body capture', () => {
  it('counts every byte and keeps only the first maxBodyBytes', async () => {
    const counter = new CountingStream(10);
    const out: Buffer[] = [];
    await new Promise<void>((resolve, reject) =>
      pipeline(
        Readable.from([Buffer.from('hello '), Buffer.from('world, '), Buffer.from('again')]),
        counter,
        new Writable({
          write: (chunk, _e, cb) => {
            out.push(chunk);
            cb();
          },
        }),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    expect(Buffer.concat(out).toString()).toBe('hello world, again');
    expect(counter.bytes).toBe(18);
    expect(counter.body('text/plain', null)).toEqual({ text: 'hello worl', truncated: true });
  });

  it('records text types only, and never an encoded body', () => {
    const bytes = Buffer.from('{"a":1}');
    expect(recordBody(bytes, 7, 'application/json; charset=utf-8', null)).toEqual({
      text: '{"a":1}',
      truncated: false,
    });
    expect(recordBody(bytes, 7, 'application/problem+json', undefined)?.text).toBe('{"a":1}');
    expect(recordBody(bytes, 7, 'image/png', null)).toEqual({
      text: null,
      truncated: false,
      omitted: 'not text (image/png)',
    });
    expect(recordBody(bytes, 7, 'text/html', 'gzip')).toEqual({
      text: null,
      truncated: false,
      omitted: 'encoded (gzip)',
    });
    expect(recordBody(bytes, 7, undefined, null)?.omitted).toBe('no content-type');
    expect(recordBody(Buffer.alloc(0), 0, 'text/plain', null)).toBeNull();
    expect(isTextType('application/javascript')).toBe(true);
    expect(isTextType('application/octet-stream')).toBe(false);
  });

  it('property: a UTF-8 prefix cut anywhere decodes to a prefix of the string, without a broken character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), fc.nat(), (text, cut) => {
        const bytes = Buffer.from(text, 'utf8');
        const prefix = utf8Prefix(bytes.subarray(0, cut % (bytes.length + 1)));
        return Buffer.from(text).toString().startsWith(prefix) && !prefix.endsWith('\ufffd');
      }),
    );
  });
});
