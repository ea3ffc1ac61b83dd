import type { TimelineEntry } from '@ws/events';
import type { RequestStore } from '@ws/proxy';
import type { ProcessManager } from '@ws/runner';
import type { Telemetry } from '@ws/telemetry';
import type { TimelineQuery } from '../api/browserApi.js';

/** The window when no `since` is given: the last 5 minutes. */
export const DEFAULT_TIMELINE_WINDOW_MS = 5 * 60_000;
export const DEFAULT_TIMELINE_LIMIT = 100;
export const MAX_TIMELINE_LIMIT = 1000;
const SUMMARY_CHARS = 300;

/** What the timeline joins. */
export interface TimelineSources {
  runner: ProcessManager;
  store: RequestStore;
  telemetry: Telemetry;
}

const short = (text: string) => (text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A process's log lines, its proxied requests and its pages' errors and console lines in one list,
 * oldest first: the newest `limit` entries of the window `[since, until]`. Each source gives at most
 * `limit` entries since `since` (1,000 when `until` is given), so the join is bounded whatever the stores hold.
 */
export function buildTimeline(sources: TimelineSources, query: TimelineQuery): TimelineEntry[] {
  const until = query.until ?? Date.now();
  const since = query.since ?? until - DEFAULT_TIMELINE_WINDOW_MS;
  const limit = Math.min(query.limit ?? DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
  const processId = query.processId;
  // Sources list their newest entries since `since`; a window that ends before now reads the most.
  const read = query.until === undefined ? limit : MAX_TIMELINE_LIMIT;
  const inWindow = (at: number) => at >= since && at <= until;
  const entries: (TimelineEntry & { ms: number })[] = [];
  const add = (ms: number, entry: Omit<TimelineEntry, 'at'>) => {
    if (inWindow(ms)) entries.push({ ...entry, at: iso(ms), ms });
  };

  for (const line of sources.runner.logs.search({ processId, since, limit: read * 2 })) {
    add(line.time, {
      kind: 'log',
      processId: line.processId,
      summary: `${line.processName}: ${short(line.plain)}`,
      ref: line.id,
    });
  }
  for (const r of sources.store.list({ processId, since, limit: read })) {
    const outcome = r.pending ? 'pending' : r.failed ? (r.error?.kind ?? 'failed') : String(r.status);
    const took = r.durationMs === null ? '' : ` ${Math.round(r.durationMs)} ms`;
    add(r.startedAt, {
      kind: 'request',
      processId: r.processId,
      summary: short(`${r.method} ${r.url} → ${outcome}${took}`),
      ref: r.id,
    });
  }
  for (const g of sources.telemetry.errors()) {
    if (processId !== undefined && g.processId !== processId) continue;
    const where = g.file ? ` at ${g.file}:${g.line ?? '?'}:${g.column ?? '?'}` : '';
    const text = short(`${g.name ? `${g.name}: ` : ''}${g.message}${where}`);
    const first = Date.parse(g.firstSeen);
    const last = Date.parse(g.lastSeen);
    add(first, { kind: 'page-error', processId: g.processId ?? null, summary: text, ref: g.id });
    if (last !== first)
      add(last, {
        kind: 'page-error',
        processId: g.processId ?? null,
        summary: `${text} (×${g.count} since ${g.firstSeen})`,
        ref: g.id,
      });
  }
  for (const e of sources.telemetry.consoleEntries({ processId, since, limit: read })) {
    const times = e.count > 1 ? ` (×${e.count})` : '';
    add(Date.parse(e.timestamp), {
      kind: 'console',
      processId: e.processId ?? null,
      summary: short(`console.${e.level}: ${e.text}${times}`),
      ref: String(e.id),
    });
  }
  entries.sort((a, b) => a.ms - b.ms);
  return entries.slice(-limit).map(({ ms: _ms, ...entry }) => entry);
}
