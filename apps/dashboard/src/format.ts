// Small formatters shared by the requests, page and timeline views (pure; unit-tested in node).

/** `512 B`, `1.5 kB`, `2.0 MB` (decimal units, as browsers' network panels show them). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `12 ms`, `1.24 s`, `2 min 5 s`; `…` while pending (null). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A time of day with milliseconds (`14:03:07.123`), in the viewer's time zone. */
export function formatClock(at: number | string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `just now`, `12 s ago`, `3 min ago`, `2 h ago` relative to `now`. */
export function formatAgo(at: number | string, now = Date.now()): string {
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(t)) return String(at);
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** Milliseconds since the epoch of an ISO string or a number; NaN when neither. */
export const toMs = (at: number | string): number => (typeof at === 'number' ? at : Date.parse(at));
