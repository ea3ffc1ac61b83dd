import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { injectIntoHtml } from './htmlInject.js';

const SNIPPET = '<script>/*ws*/</script>';
const inject = (html: string | Buffer, csp = false) =>
  injectIntoHtml(
    Buffer.isBuffer(html) ? html : Buffer.from(html),
    SNIPPET,
    csp ? { nonce: 'N0', scriptSource: null } : null,
  );

describe('injectIntoHtml', () => {
  it('inserts before </head>', () => {
    const result = inject('<!doctype html><html><head><title>t</title></HEAD ><body>x</body></html>');
    expect(result?.at).toBe('head');
    expect(result?.body.toString()).toBe(
      `<!doctype html><html><head><title>t</title>${SNIPPET}</HEAD ><body>x</body></html>`,
    );
  });

  it('inserts at the start of <body> when there is no </head>', () => {
    const result = inject('<html><body class="a">x</body></html>');
    expect(result?.at).toBe('body');
    expect(result?.body.toString()).toBe(`<html><body class="a">${SNIPPET}x</body></html>`);
  });

  it('inserts at the start of the document, after a BOM and a doctype, when there is neither', () => {
    expect(inject('<p>fragment</p>')?.body.toString()).toBe(`${SNIPPET}<p>fragment</p>`);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n<!DOCTYPE html>\n<p>x</p>')]);
    const result = inject(bom);
    expect(result?.at).toBe('document');
    expect(result?.body.toString('utf8')).toBe(`\ufeff\n<!DOCTYPE html>${SNIPPET}\n<p>x</p>`);
  });

  it('keeps the bytes of a non-ASCII page exactly and inserts the snippet as UTF-8', () => {
    const page = '<html><head><title>Ünïcødé 🚀 页面</title></head><body>é</body></html>';
    const result = injectIntoHtml(Buffer.from(page), '<script>"→"</script>', null);
    expect(result?.body.toString('utf8')).toBe(page.replace('</head>', '<script>"→"</script></head>'));
  });

  it('refuses a UTF-16 page', () => {
    expect(inject(Buffer.from([0xff, 0xfe, 0x3c, 0x00]))).toBeNull();
  });

  it('adds the nonce to a <meta> CSP before the insertion point, decoding and re-encoding the attribute', () => {
    const page =
      '<head><meta charset="utf-8"><META HTTP-EQUIV="Content-Security-Policy" content="script-src &#39;self&#39;"></head>';
    const result = inject(page, true);
    expect(result?.body.toString()).toBe(
      `<head><meta charset="utf-8"><META HTTP-EQUIV="Content-Security-Policy" content="script-src 'self' 'nonce-N0'">${SNIPPET}</head>`,
    );
    expect(result?.notes).toEqual(['meta csp: script-src: nonce added']);
  });

  it('handles single-quoted and unquoted content attributes, and leaves unknown character references alone', () => {
    const single = inject(
      `<head><meta http-equiv=content-security-policy content='default-src https://x'></head>`,
      true,
    );
    expect(single?.body.toString()).toBe(
      `<head><meta http-equiv=content-security-policy content="default-src https://x; script-src https://x 'nonce-N0'; connect-src https://x 'self'">${SNIPPET}</head>`,
    );
    const unquoted = inject(`<head><meta http-equiv=Content-Security-Policy content=script-src></head>`, true);
    expect(unquoted?.body.toString()).toContain(`content="script-src 'nonce-N0'"`);
    const odd = '<head><meta http-equiv="content-security-policy" content="script-src &eacute;"></head>';
    const result = inject(odd, true);
    expect(result?.body.toString()).toBe(odd.replace('</head>', `${SNIPPET}</head>`));
    expect(result?.notes[0]).toMatch(/meta csp left unchanged/);
  });

  it('leaves <meta> tags that are not a CSP, and a CSP after the insertion point, unchanged', () => {
    const page =
      '<head><meta name="csp" content="script-src x"></head><body><meta http-equiv="content-security-policy" content="script-src x"></body>';
    expect(inject(page, true)?.body.toString()).toBe(page.replace('</head>', `${SNIPPET}</head>`));
  });

  it('property: removing the snippet gives back the original bytes', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom('', '<head>', '</head>', '<body>', '<!doctype html>'),
        (text, tag) => {
          const page = Buffer.from(`${text}${tag}${text}`);
          const result = inject(page);
          if (!result) return page[0] === 0xff || page[0] === 0xfe;
          const at = result.body.indexOf(SNIPPET);
          const without = Buffer.concat([
            result.body.subarray(0, at),
            result.body.subarray(at + Buffer.byteLength(SNIPPET)),
          ]);
          return at >= 0 && without.equals(page);
        },
      ),
    );
  });
});
