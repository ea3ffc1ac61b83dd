import { Transform, type TransformCallback } from 'node:stream';
import type { RecordedBody } from './requestRecord.js';

/** Default cap of a recorded body when `recordBodies` is on: 16 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

const TEXT_TYPES =
  /^(text\/|application\/(json|javascript|ecmascript|xml|x-www-form-urlencoded|graphql|x-ndjson)\b)|\+(json|xml)\b/i;

/** True for media types whose bodies are recorded as text. */
export function isTextType(contentType: string | undefined | null): boolean {
  return !!contentType && TEXT_TYPES.test(contentType.trim());
}

/**
 * A pass-through stream that counts the bytes it forwards and, when `maxBodyBytes` is not null, keeps
 * the first `maxBodyBytes` of them for the record. The kept prefix is bounded; the count is not.
 */
export class CountingStream extends Transform {
  bytes = 0;
  readonly #max: number;
  readonly #kept: Buffer[] = [];
  #keptBytes = 0;

  constructor(maxBodyBytes: number | null) {
    super();
    this.#max = maxBodyBytes ?? 0;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.#keptBytes < this.#max) {
      const part = chunk.subarray(0, this.#max - this.#keptBytes);
      this.#kept.push(part);
      this.#keptBytes += part.length;
    }
    callback(null, chunk);
  }

  /** The recorded body, or null when nothing passed. */
  body(contentType: string | undefined | null, contentEncoding: string | undefined | null): RecordedBody | null {
    return recordBody(Buffer.concat(this.#kept, this.#keptBytes), this.bytes, contentType, contentEncoding);
  }
}

/**
 * A record of a body of `total` bytes whose first bytes are `prefix`: text when the content type is
 * textual and the body is not encoded, else `omitted` says why.
 */
export function recordBody(
  prefix: Buffer,
  total: number,
  contentType: string | undefined | null,
  contentEncoding: string | undefined | null,
): RecordedBody | null {
  if (total === 0) return null;
  const truncated = total > prefix.length;
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return { text: null, truncated, omitted: `encoded (${encoding})` };
  if (!isTextType(contentType))
    return { text: null, truncated, omitted: contentType ? `not text (${contentType})` : 'no content-type' };
  return { text: utf8Prefix(prefix), truncated };
}

/** Decodes `bytes` as UTF-8, dropping an incomplete character cut at the end. */
export function utf8Prefix(bytes: Buffer): string {
  let end = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let i = end - 1;
  while (i >= 0 && end - i <= 4 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  if (i >= 0) {
    const lead = bytes[i] as number;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - i < need) end = i;
  }
  return bytes.subarray(0, end).toString('utf8');
}
