import fc from 'fast-check';

/** `s` with each lone surrogate replaced by U+FFFD, as UTF-8 encoding does (String#toWellFormed, ES2024). */
export const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** A lone UTF-16 surrogate: JSON can carry it escaped (`"\ud800"`), UTF-8 cannot. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n));

/** Characters that break naive framing, logging or parsing. */
export const controlChar = fc.constantFrom(
  '\0',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x1b',
  '\x7f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\u202e',
);

/** One character of any kind: ASCII, any code point, a lone surrogate, a control character. */
export const weirdChar = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: controlChar, weight: 2 },
);

/** Names and values that code tends to special-case. */
export const specialString = fc.constantFrom(
  '',
  ' ',
  'default',
  'ops',
  'info',
  'a'.repeat(64),
  'a'.repeat(65),
  '\0',
  'a\r\nb',
  '\ud800',
  'a\udfffb',
  '😀',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '../..',
  '%',
  '%00',
  '%ZZ',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${x}',
  '-1',
  '0',
  '1e309',
);

/** A string of up to `maxLength` characters of any kind. */
export const weirdString = (maxLength = 40) => fc.string({ unit: weirdChar, maxLength });

/** A long string (1 KB to 100 KB) of one repeated character: body and field limits. */
export const hugeString = fc
  .tuple(fc.oneof(fc.constant('x'), weirdChar), fc.integer({ min: 1000, max: 100_000 }))
  .map(([ch, n]) => ch.repeat(Math.ceil(n / Math.max(ch.length, 1))));

/** Any string: mostly short and odd, sometimes special, rarely huge. */
export const anyString = fc.oneof(
  { arbitrary: weirdString(), weight: 6 },
  { arbitrary: specialString, weight: 3 },
  { arbitrary: hugeString, weight: 1 },
);

/** Numbers JSON can carry that code tends to mishandle. */
export const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 31), 2 ** 32, 10_001, 100_001),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value, including odd strings (lone surrogates, NUL, CR/LF), odd numbers and `__proto__` keys. */
export const junkValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    oddNumber,
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(weirdString(8), specialString), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON text nested `depth` levels deep (arrays or objects), to find unbounded recursion. */
export const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Text that is not JSON, or only nearly: truncated, trailing commas, duplicate keys, raw control bytes. */
export const nonJsonText = fc.oneof(
  weirdString(60),
  fc.constantFrom(
    '',
    '{',
    '}',
    '{"message":"a",}',
    "{'message':'a'}",
    '{"message":"a"}{"message":"b"}',
    '{"message":"a"} trailing',
    '{"message":"a","message":"b"}',
    '{"message":"\u0000"}',
    '{"message":"\x01raw control"}',
    '\ufeff{"message":"bom"}',
    'message=a&type=info',
    'null',
    '[]',
    '"just a string"',
    '1e999',
    '{"message": NaN}',
    '{"__proto__":{"polluted":true},"message":"a"}',
    '{"constructor":{"prototype":{"polluted":true}},"message":"a"}',
  ),
);

/** Raw bytes, mostly invalid UTF-8 (lone continuation bytes, overlongs, encoded surrogates). */
export const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(
    Uint8Array.from([0xff, 0xfe]),
    Uint8Array.from([0xc0, 0x80]),
    Uint8Array.from([0xed, 0xa0, 0x80]),
    Uint8Array.from([0xf4, 0x90, 0x80, 0x80]),
    Uint8Array.from([0x80]),
  ),
);

/** A JSON object's text with invalid UTF-8 inside a string value. */
export const jsonWithBadUtf8 = (field: string) =>
  rawBytes.map((b) => Buffer.concat([Buffer.from(`{"${field}":"`), Buffer.from(b), Buffer.from('"}')]));

/** Content-Type values: the right one, its spellings, and wrong ones. */
export const contentType = fc.oneof(
  { arbitrary: fc.constant<string | undefined>('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom<string | undefined>(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=latin1',
      'application/json ; x=1',
      'application/json, text/plain',
      'application/jsonx',
      'application/ld+json',
      'application/json\t',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      '*/*',
      undefined,
    ),
    weight: 3,
  },
  { arbitrary: weirdString(20).map((s) => latin1Header(s)), weight: 1 },
);

/** A header value the HTTP parser accepts (visible latin1, space, tab): odd, but not a framing error. */
export function latin1Header(s: string): string {
  return [...s]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff) ? ch : '?';
    })
    .join('')
    .trim();
}

/** `arb` one time in `outOf`, else null (fc.option's `freq` is the other way round: the chance of null). */
export const rarely = <T>(arb: fc.Arbitrary<T>, outOf: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: outOf - 1 }, { arbitrary: arb, weight: 1 });

/** Splits a body into 1-4 chunks at generated positions. */
export const chunking = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 });

export function splitAt(body: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((f) => Math.floor(f * body.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, body.length]) {
    out.push(body.subarray(at, p));
    at = p;
  }
  return out;
}

/** A path segment or query value: odd text percent-encoded, or an odd encoding as is. */
export const urlValue = fc.oneof(
  { arbitrary: weirdString(30).map((s) => encodeURIComponent(wellFormed(s))), weight: 5 },
  { arbitrary: specialString.map((s) => encodeURIComponent(wellFormed(s))), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '%',
      '%Z',
      '%zz',
      '%FF',
      '%C0%80',
      '%ED%A0%80',
      '%E0%A4%A',
      '%00',
      '%0D%0A',
      '%0A',
      '+',
      '%2B',
      '%2F',
      '..',
      '.',
      '%2e%2e',
      'a%20b',
      'a+b',
      '%EF%BB%BF',
      '%F0%9F%98%80',
    ),
    weight: 3,
  },
);
