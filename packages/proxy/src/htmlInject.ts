import { addNonceToCsp, type CspAugmentOptions } from './csp.js';

/** Where the snippet went: before `</head>`, at the start of `<body>`, or at the start of the document. */
export type InsertionPoint = 'head' | 'body' | 'document';

/** A page with the snippet inserted. */
export interface HtmlInjection {
  readonly body: Buffer;
  readonly at: InsertionPoint;
  /** What was changed in `<meta http-equiv="Content-Security-Policy">` tags (or why not). */
  readonly notes: string[];
}

const HEAD_END = /<\/head[\s>]/i;
const BODY_START = /<body(?:[\s/][^>]*)?>/i;
const DOCTYPE = /^\s*<!doctype[^>]*>/i;
const META = /<meta\b[^>]*>/gi;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const UTF8_BOM = '\xef\xbb\xbf';

/**
 * Inserts `snippet` (UTF-8) into an HTML page: before the first `</head>`, else right after the first
 * `<body …>`, else at the start of the document (after a byte-order mark and a doctype, so the page keeps
 * its standards mode). Works on the bytes of any ASCII-compatible charset (the search decodes as latin1,
 * so offsets are byte offsets and the page's own bytes are kept exactly). With `csp`, the policies of
 * `<meta http-equiv="Content-Security-Policy">` tags before the insertion point get the nonce too
 * (see {@link addNonceToCsp}). Returns null for a UTF-16 page (byte-order mark FE FF or FF FE).
 */
export function injectIntoHtml(html: Buffer, snippet: string, csp: CspAugmentOptions | null): HtmlInjection | null {
  if (html.length >= 2 && ((html[0] === 0xfe && html[1] === 0xff) || (html[0] === 0xff && html[1] === 0xfe)))
    return null;
  const text = html.toString('latin1');
  const { index, at } = insertionPoint(text);
  const notes: string[] = [];
  const before = csp ? rewriteMetaCsp(text.slice(0, index), csp, notes) : text.slice(0, index);
  const inserted = Buffer.from(snippet, 'utf8').toString('latin1');
  return { body: Buffer.from(before + inserted + text.slice(index), 'latin1'), at, notes };
}

function insertionPoint(text: string): { index: number; at: InsertionPoint } {
  const head = HEAD_END.exec(text);
  if (head) return { index: head.index, at: 'head' };
  const body = BODY_START.exec(text);
  if (body) return { index: body.index + body[0].length, at: 'body' };
  const start = text.startsWith(UTF8_BOM) ? UTF8_BOM.length : 0;
  const doctype = DOCTYPE.exec(text.slice(start));
  return { index: start + (doctype ? doctype[0].length : 0), at: 'document' };
}

function rewriteMetaCsp(head: string, csp: CspAugmentOptions, notes: string[]): string {
  return head.replace(META, (tag) => {
    let httpEquiv: string | undefined;
    let content: { value: string; start: number; end: number } | undefined;
    for (const m of tag.slice(5, -1).matchAll(ATTRIBUTE)) {
      const name = (m[1] as string).toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      if (name === 'http-equiv') httpEquiv = value.trim().toLowerCase();
      if (name === 'content' && !content) content = { value, start: 5 + m.index, end: 5 + m.index + m[0].length };
    }
    if (httpEquiv !== 'content-security-policy' || !content) return tag;
    const decoded = decodeAttribute(content.value);
    if (decoded === null) {
      notes.push('meta csp left unchanged: its content uses character references other than &amp; &quot; &#39;');
      return tag;
    }
    const result = addNonceToCsp(decoded, csp);
    if (result.notes.length === 0) return tag;
    notes.push(...result.notes.map((n) => `meta csp: ${n}`));
    const encoded = result.value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
    return `${tag.slice(0, content.start)}content="${encoded}"${tag.slice(content.end)}`;
  });
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&apos;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

/** Decodes the few character references a CSP needs; null when others remain (not rewritten then). */
function decodeAttribute(value: string): string | null {
  if (!value.includes('&')) return value;
  const decoded = value.replace(/&(amp|quot|#39|#x27|apos|lt|gt);/gi, (ref) => ENTITIES[ref.toLowerCase()] ?? ref);
  const rest = value.replace(/&(amp|quot|#39|#x27|apos|lt|gt);/gi, '');
  return rest.includes('&') ? null : decoded;
}
