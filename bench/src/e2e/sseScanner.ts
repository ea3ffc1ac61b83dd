// Counts Server-Sent Events in a byte stream without decoding it: a frame ends at a blank line ("\n\n"),
// and it is an event when it starts with an `id:`, `event:` or `data:` field (comments such as
// ": ok" or keep-alives, and a lone `retry:`, are not events). Every server in the benchmark writes
// LF line endings and puts a field first in an event frame, which this relies on. webstream's
// connect-time `connected` event (one private frame per connection, before any message) is not
// counted: the benchmarks count delivered messages.

/** Per-connection scanner state: feed it body bytes in order. */
export interface SseScanner {
  /** Scans `buf[start, end)` and returns how many events it completed. */
  scan(buf: Buffer, start: number, end: number): number;
}

const LF = 10;
const BLANK = Buffer.from('\n\n');
const isEventStart = (c: number) => c === 0x69 /* i */ || c === 0x64 /* d */ || c === 0x65 /* e */;
/** How webstream's `connected` frame starts: frames that start so are not counted. */
const SKIPPED = Buffer.from('event: connected\n');

/** Creates a scanner for one connection's SSE body. */
export function createSseScanner(): SseScanner {
  let atStart = true; // no byte of the current frame seen yet
  let first = 0; // first byte of the current frame
  let lastLF = false; // the previous slice ended with the LF of a line inside a frame
  let matched = -1; // bytes of SKIPPED the current frame starts with so far; -1: it starts otherwise

  /** Goes on matching the current frame's start against SKIPPED from `buf[i]` (the match may span slices). */
  const match = (buf: Buffer, i: number, end: number) => {
    for (let k = i; matched >= 0 && matched < SKIPPED.length && k < end; k++) {
      matched = buf[k] === SKIPPED[matched] ? matched + 1 : -1;
    }
  };
  const counts = () => isEventStart(first) && matched !== SKIPPED.length;

  return {
    scan(buf, start, end) {
      let n = 0;
      let i = start;
      if (i >= end) return 0;
      if (!atStart) match(buf, i, end);
      if (lastLF) {
        lastLF = false;
        if (buf[i] === LF) {
          if (counts()) n++;
          atStart = true;
          i++;
        }
      }
      while (i < end) {
        if (atStart) {
          // Blank lines between frames dispatch nothing.
          while (i < end && buf[i] === LF) i++;
          if (i === end) return n;
          first = buf[i] as number;
          atStart = false;
          matched = 0;
          match(buf, i, end);
        }
        const j = buf.indexOf(BLANK, i);
        // A match at or past end - 1 lies in bytes beyond this slice (the buffer is reused).
        if (j === -1 || j + 1 >= end) {
          lastLF = buf[end - 1] === LF;
          return n;
        }
        if (counts()) n++;
        atStart = true;
        i = j + 2;
      }
      return n;
    },
  };
}

/**
 * Reads publish stamps (`~T<monotonic ms>;`, written into each payload by the publisher) from body
 * text, carrying a partial stamp over to the next slice.
 */
export interface StampReader {
  /** Calls `onStamp` with each stamp completed in `buf[start, end)`. */
  read(buf: Buffer, start: number, end: number, onStamp: (stampMs: number) => void): void;
}

/** Creates a stamp reader for one connection. */
export function createStampReader(): StampReader {
  let carry = '';
  return {
    read(buf, start, end, onStamp) {
      const text = carry + buf.toString('latin1', start, end);
      let from = 0;
      for (let i = text.indexOf('~T'); i !== -1; i = text.indexOf('~T', from)) {
        const stop = text.indexOf(';', i);
        if (stop === -1) break;
        onStamp(Number(text.slice(i + 2, stop)));
        from = stop + 1;
      }
      const rest = text.slice(from);
      // A stamp is under 32 characters: anything longer after the last '~' is payload, not a stamp.
      const partial = rest.lastIndexOf('~');
      carry = partial === -1 || rest.length - partial > 32 ? '' : rest.slice(partial);
    },
  };
}
