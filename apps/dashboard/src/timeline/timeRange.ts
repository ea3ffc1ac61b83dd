// The timeline's time window: a preset relative to now, or a custom from/to (pure).

export const RANGE_PRESETS: Record<string, number | null> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  all: null,
};

export interface TimeWindow {
  since?: number;
  until?: number;
}

/**
 * The window for `range` (a preset key or `custom`) at `now`. Custom bounds are `datetime-local`
 * values (local time); an empty one is open. Throws with a message when from is after to or a value is not a time.
 */
export function timeWindow(range: string, now: number, from = '', to = ''): TimeWindow {
  if (range !== 'custom') {
    const span = RANGE_PRESETS[range];
    return span === null || span === undefined ? {} : { since: now - span };
  }
  const parse = (value: string, name: string) => {
    if (!value) return undefined;
    const t = new Date(value).getTime();
    if (Number.isNaN(t)) throw new Error(`${name} is not a time: ${value}`);
    return t;
  };
  const since = parse(from, 'from');
  const until = parse(to, 'to');
  if (since !== undefined && until !== undefined && since > until) throw new Error('from must be before to');
  return { since, until };
}

/** Whether the window follows now (new entries belong in it). */
export const isLive = (range: string) => range !== 'custom';
