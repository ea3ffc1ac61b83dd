import { StringDecoder } from 'node:string_decoder';

/** Default longest line kept, in characters; longer lines are cut and marked. */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024;

/**
 * Splits a byte stream into lines. UTF-8 safe across chunks. A line rewritten with `\r` (progress
 * bars) keeps only its last state, as a terminal would show it. Lines longer than `maxLength` are
 * cut, marked `… [N more characters]`, and the rest up to the next newline is skipped, so one
 * endless line cannot grow memory.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #max: number;
  readonly #emit: (line: string) => void;
  #pending = '';
  #skipped = 0;

  constructor(emit: (line: string) => void, maxLength = DEFAULT_MAX_LINE_LENGTH) {
    this.#emit = emit;
    this.#max = maxLength;
  }

  push(chunk: Buffer | string): void {
    let text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      this.#line(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    // Unfinished line: keep only its latest \r-state, and at most the cap.
    const cr = text.lastIndexOf('\r');
    if (cr !== -1 && cr < text.length - 1) text = text.slice(cr + 1);
    if (text.length > this.#max) {
      this.#skipped += text.length - this.#max;
      text = text.slice(0, this.#max);
    }
    this.#pending = text;
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    if (rest.length > 0 || this.#skipped > 0) this.#line(rest);
  }

  #line(raw: string): void {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const cr = line.lastIndexOf('\r');
    if (cr !== -1) line = line.slice(cr + 1);
    let skipped = this.#skipped;
    this.#skipped = 0;
    if (line.length > this.#max) {
      skipped += line.length - this.#max;
      line = line.slice(0, this.#max);
    }
    this.#emit(skipped > 0 ? `${line}… [${skipped} more characters]` : line);
  }
}
