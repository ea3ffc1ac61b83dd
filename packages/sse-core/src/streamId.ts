/**
 * Ids shaped like Redis Stream ids, `<ms>-<seq>`: ordered, unique per bus, and meaningful across
 * restarts (a later process issues larger ids, so an id from before a restart is recognisably old).
 */
const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

/** Parses `<ms>-<seq>`; `undefined` when the string is not such an id. */
export function parseStreamId(id: string): readonly [ms: number, seq: number] | undefined {
  const m = STREAM_ID.exec(id);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2])];
}

/** Orders two stream ids (negative, zero, positive). Unparsable ids sort before every valid id. */
export function compareStreamIds(a: string, b: string): number {
  const pa = parseStreamId(a);
  const pb = parseStreamId(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** Issues strictly increasing stream ids, even if the wall clock steps back. */
export function createStreamIdGenerator(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let seq = 0;
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      seq = 0;
    } else {
      seq++;
    }
    return `${lastMs}-${seq}`;
  };
}
