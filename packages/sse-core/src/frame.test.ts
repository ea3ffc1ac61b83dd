import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseError } from './errors.js';
import { encodeFrame, formatComment, formatEvent, formatRetry, frameId } from './frame.js';

function parse(text: string | string[]): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e) });
  for (const chunk of Array.isArray(text) ? text : [text]) parser.feed(chunk);
  return out;
}

describe('formatEvent', () => {
  it('writes fields in order with the blank line that dispatches', () => {
    expect(formatEvent({ id: '1-0', event: 'update', data: 'hello', retry: 1500 })).toBe(
      'id: 1-0\nevent: update\nretry: 1500\ndata: hello\n\n',
    );
    expect(formatEvent({ data: 'x' })).toBe('data: x\n\n');
  });

  it('splits every kind of line break into separate data lines', () => {
    expect(formatEvent({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(formatEvent({ data: '' })).toBe('data: \n\n');
    expect(formatEvent({ data: '\n' })).toBe('data: \ndata: \n\n');
  });

  it('cannot be used to inject fields through data', () => {
    const [event] = parse(formatEvent({ data: 'x\n\nid: evil\nevent: admin\ndata: y' }));
    expect(event).toMatchObject({ event: undefined, id: undefined, data: 'x\n\nid: evil\nevent: admin\ndata: y' });
  });

  it.each(['a\nb', 'a\rb', 'a\0b'])('rejects CR, LF or NUL in id and event (%j)', (bad) => {
    expect(() => formatEvent({ id: bad, data: '' })).toThrowError(/"id" must not contain CR, LF or NUL/);
    expect(() => formatEvent({ event: bad, data: '' })).toThrowError(SseError);
  });

  it('rejects a retry that is not a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatEvent({ data: '', retry: bad })).toThrowError(/retry/);
      expect(() => formatRetry(bad)).toThrowError(/retry/);
    }
    expect(formatRetry(0)).toBe('retry: 0\n\n');
  });
});

describe('formatComment', () => {
  it('prefixes every line and is ignored by parsers', () => {
    expect(formatComment()).toBe(':\n\n');
    expect(formatComment('a\nb')).toBe(': a\n: b\n\n');
    expect(parse(formatComment('keep\nalive') + formatEvent({ data: 'x' }))).toHaveLength(1);
  });
});

describe('round trip through a spec-compliant parser (eventsource-parser)', () => {
  const normalize = (s: string) => s.replace(/\r\n|\r/g, '\n');
  const field = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s));

  it('any string data, id and event survive, line breaks normalized to LF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), field, field, (data, id, event) => {
        const frame = formatEvent({ id, event: event || undefined, data });
        const events = parse(frame);
        expect(events).toHaveLength(1);
        expect(events[0]?.data).toBe(normalize(data));
        expect(events[0]?.id).toBe(id);
        expect(events[0]?.event).toBe(event || undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('survives arbitrary chunking of the UTF-8 bytes of a stream of events', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 80 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (datas, cuts) => {
          const bytes = new TextEncoder().encode(
            formatComment('hi') + datas.map((d, i) => formatEvent({ id: String(i), data: d })).join(''),
          );
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const decoder = new TextDecoder();
          const chunks: string[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            chunks.push(decoder.decode(bytes.subarray(from, p), { stream: true }));
            from = p;
          }
          const events = parse(chunks);
          expect(events.map((e) => e.data)).toEqual(datas.map(normalize));
          expect(events.map((e) => e.id)).toEqual(datas.map((_, i) => String(i)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('frameId', () => {
  it('reads back the id of any event frame that has one, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }).filter((id) => !/[\r\n\0]/.test(id)),
        fc.string(),
        (id, data) => {
          expect(frameId(encodeFrame(formatEvent({ id, event: 'x', data })))).toBe(id);
        },
      ),
    );
    expect(frameId(encodeFrame(formatEvent({ data: 'id: 1\n' })))).toBeUndefined();
    expect(frameId(encodeFrame(formatComment()))).toBeUndefined();
    expect(frameId(encodeFrame('id: unterminated'))).toBeUndefined();
  });
});
