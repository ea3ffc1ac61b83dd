/** Options of {@link addNonceToCsp}. */
export interface CspAugmentOptions {
  /** The per-response nonce (base64), added as `'nonce-<nonce>'`. */
  nonce: string;
  /**
   * A path-restricted source for the injected script's own URL space (`http://127.0.0.1:4100/__webstream/`),
   * added where `'unsafe-inline'` already allows inline scripts (a nonce there would switch
   * `'unsafe-inline'` off for the page's own inline scripts). Null: not added.
   */
  scriptSource?: string | null | undefined;
}

/** The rewritten policy text and what was changed (empty when nothing was). */
export interface CspAugmentResult {
  readonly value: string;
  readonly notes: string[];
}

interface Directive {
  name: string;
  values: string[];
}

const NONCE_OR_HASH = /^'(nonce|sha256|sha384|sha512)-/i;

/**
 * Makes a `Content-Security-Policy` value (one or more comma-separated policies, or a `<meta>` policy)
 * allow one injected script carrying `nonce` and its requests to its own origin, keeping every other
 * restriction:
 * - `script-src` and `script-src-elem`, where present: `'nonce-…'` is added (`'none'` is replaced by it).
 *   Where the list has `'unsafe-inline'` and no nonce, hash or `'strict-dynamic'`, inline scripts are
 *   already allowed and a nonce would disallow them, so only `scriptSource` is added.
 * - No `script-src` but a `default-src`: a `script-src` is derived as `default-src`'s sources plus the nonce.
 * - `connect-src` (or, without it, `default-src`, which it is then derived from) gets `'self'` unless it
 *   already has `'self'` or `*` (`'none'` is replaced by it).
 * A policy that needs no change keeps its exact text.
 */
export function addNonceToCsp(value: string, options: CspAugmentOptions): CspAugmentResult {
  const notes: string[] = [];
  const policies = value.split(',').map((policy) => {
    const result = augmentPolicy(policy, options);
    notes.push(...result.notes);
    return result.value;
  });
  return { value: notes.length > 0 ? policies.map((p) => p.trim()).join(', ') : value, notes };
}

function augmentPolicy(text: string, options: CspAugmentOptions): CspAugmentResult {
  const directives = parsePolicy(text);
  const find = (name: string) => directives.find((d) => d.name === name);
  const notes: string[] = [];
  const defaultSrc = find('default-src');
  for (const name of ['script-src-elem', 'script-src']) {
    const directive = find(name);
    const note = directive && allowScript(directive, options);
    if (note) notes.push(note);
  }
  if (!find('script-src') && defaultSrc) {
    const derived = { name: 'script-src', values: [...defaultSrc.values] };
    const note = allowScript(derived, options);
    if (note) {
      directives.push(derived);
      notes.push(`script-src derived from default-src; ${note}`);
    }
  }
  const connect = find('connect-src');
  if (connect) {
    if (allowSelf(connect)) notes.push(`connect-src: 'self' added`);
  } else if (defaultSrc) {
    const derived = { name: 'connect-src', values: [...defaultSrc.values] };
    if (allowSelf(derived)) {
      directives.push(derived);
      notes.push(`connect-src derived from default-src with 'self' added`);
    }
  }
  if (notes.length === 0) return { value: text, notes };
  return { value: directives.map((d) => [d.name, ...d.values].join(' ')).join('; '), notes };
}

function parsePolicy(text: string): Directive[] {
  // A repeated directive is ignored by browsers; `find` returns the first, so only that one is edited.
  const out: Directive[] = [];
  for (const part of text.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens[0]?.toLowerCase();
    if (name) out.push({ name, values: tokens.slice(1) });
  }
  return out;
}

/** Adds the nonce (or the script source) to a script directive; returns a note, or null when unchanged. */
function allowScript(directive: Directive, options: CspAugmentOptions): string | null {
  const lower = directive.values.map((v) => v.toLowerCase());
  const hasNonceOrHash = lower.some((v) => NONCE_OR_HASH.test(v));
  if (lower.includes("'unsafe-inline'") && !hasNonceOrHash && !lower.includes("'strict-dynamic'")) {
    const source = options.scriptSource;
    if (!source || lower.includes("'self'") || lower.includes(source.toLowerCase())) return null;
    directive.values.push(source);
    return `${directive.name}: has 'unsafe-inline' (a nonce would turn it off), ${source} added`;
  }
  const none = lower.indexOf("'none'");
  if (none >= 0) directive.values.splice(none, 1);
  directive.values.push(`'nonce-${options.nonce}'`);
  return `${directive.name}: nonce added`;
}

/** Adds `'self'` to a fetch directive unless it already allows it; true when changed. */
function allowSelf(directive: Directive): boolean {
  const lower = directive.values.map((v) => v.toLowerCase());
  if (lower.includes("'self'") || lower.includes('*')) return false;
  const none = lower.indexOf("'none'");
  if (none >= 0) directive.values.splice(none, 1);
  directive.values.push("'self'");
  return true;
}
