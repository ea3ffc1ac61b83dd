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
