import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedHeaders } from './requestRecord.js';

/** Headers whose values are always replaced by {@link REDACTED} in records. */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
];

/** What a redacted header value becomes. */
export const REDACTED = '[redacted]';

/** A copy of `headers` for a record: names in `redacted` (lower-case) keep their name, lose their value. */
export function redactHeaders(headers: IncomingHttpHeaders, redacted: ReadonlySet<string>): RecordedHeaders {
  const out: RecordedHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const hidden = redacted.has(name.toLowerCase());
    out[name] = Array.isArray(value) ? value.map((v) => (hidden ? REDACTED : v)) : hidden ? REDACTED : value;
  }
  return out;
}

/** The set of names to redact: the defaults plus `extra`, lower-cased. */
export function redactionSet(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...DEFAULT_REDACTED_HEADERS, ...extra.map((n) => n.toLowerCase())]);
}

/** Query parameter names whose values are replaced by {@link REDACTED} in recorded URLs. */
const SECRET_PARAM =
  /^(key|code|sig|token)$|token|secret|passw|pwd|api[-_]?key|apikey|auth|signature|session|ticket|jwt|credential/i;

/** A parameter name as the target reads it (`+` and %-escapes decoded); the raw name if malformed. */
function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * `url` (path and query) for a record: values of query parameters that look like credentials
 * (`token`, `access_token`, `api_key`, `password`, `sig`, …) become {@link REDACTED}; everything else,
 * order and encoding included, stays as the client sent it.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0 || !SECRET_PARAM.test(paramName(part.slice(0, eq)))) return part;
      return `${part.slice(0, eq)}=${REDACTED}`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
