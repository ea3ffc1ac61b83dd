// A validated batch into the stores: session state, console lines, network failures, drops, and
// errors (mapped asynchronously, then grouped), under the per-session rate limit; events out.
import type { ConsoleStore } from './consoleStore.js';
import { MAX_CONSOLE_TEXT } from './consoleStore.js';
import type { ErrorGroup, ErrorStore } from './errorStore.js';
import type { DropCounts, TelemetryEvent, TelemetryStoreName } from './events.js';
import { formatConsole } from './formatConsole.js';
import type { NetworkStore } from './networkStore.js';
import type { RateLimiter } from './rateLimiter.js';
import type { ReplInternal } from './repl.js';
import type { ConsoleItem, DroppedItem, ErrorItem, NetworkItem, PageInfo, TelemetryBatch } from './schemas.js';
import {
  type SessionContext,
  type SessionEndReason,
  type SessionRecord,
  type SessionStore,
  toPublic,
} from './sessionStore.js';
import type { MappedStack, SourceMapper } from './sourceMaps.js';
import { formatStack, parseFrames, unmapped } from './stackFrames.js';

/** Limits of event output and pending work. */
export interface IngestLimits {
  maxPendingErrors: number;
  errorEventIntervalMs: number;
  consoleErrorEventsPerSecond: number;
}

/** What ingestion works on. */
export interface IngestDeps {
  sessions: SessionStore;
  console: ConsoleStore;
  errors: ErrorStore;
  network: NetworkStore;
  limiter: RateLimiter;
  mapper: SourceMapper | null;
  repl: ReplInternal;
  limits: IngestLimits;
  now(): number;
  resolver(record: SessionRecord): (url: string) => string | undefined;
  emit(event: TelemetryEvent): void;
  changed(store: TelemetryStoreName): void;
  /** A session left the store or closed: its command stream and rate bucket go. */
  released(record: SessionRecord, evicted: boolean): void;
}

/** The outcome for the HTTP answer. */
export type IngestResult = { status: 200; accepted: number; dropped: number } | { status: 429; retryAfterMs: number };

const DROP_REASONS: Record<DroppedItem['reason'], string> = {
  rate: 'over its per-second budget',
  queue: 'its queue was full',
  send: 'batches could not be delivered',
};

type Budgeted = ConsoleItem | ErrorItem | NetworkItem | DroppedItem;

function isBudgeted(item: TelemetryBatch['items'][number]): item is Budgeted {
  return item.kind !== 'visibility' && item.kind !== 'closed';
}

function describeDrops(counts: DropCounts): string {
  const parts: string[] = [];
  if (counts.console) parts.push(`${counts.console} console call${counts.console === 1 ? '' : 's'}`);
  if (counts.error) parts.push(`${counts.error} error${counts.error === 1 ? '' : 's'}`);
  if (counts.network) parts.push(`${counts.network} failed request${counts.network === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Creates ingestion. */
export function createIngest(deps: IngestDeps) {
  const { sessions, now, emit, changed } = deps;
  let pendingErrors = 0;
  const errorEvents = new WeakMap<ErrorGroup, { at: number; occurrences: number }>();
  const consoleEvents = new WeakMap<SessionRecord, { windowStart: number; count: number }>();

  function end(record: SessionRecord, reason: SessionEndReason) {
    deps.repl.sessionClosed(record.id);
    deps.released(record, reason === 'evicted');
    emit({ type: 'session-ended', session: toPublic(record), reason });
    changed('sessions');
  }

  function applyState(record: SessionRecord, visibility: PageInfo['visibility'], focused: boolean) {
    const becameActive = (visibility === 'visible' && record.visibility !== 'visible') || (focused && !record.focused);
    if (becameActive) record.activeAt = now();
    record.visibility = visibility;
    record.focused = focused;
  }

  function note(record: SessionRecord, where: 'page' | 'server', reason: string, counts: DropCounts, at: number) {
    const text = `webstream: ${where === 'page' ? 'the page' : 'the server'} dropped ${describeDrops(counts)} (${reason})`;
    deps.console.add({
      sessionId: record.id,
      ...(record.context.processId ? { processId: record.context.processId } : {}),
      timestamp: new Date(at).toISOString(),
      level: 'warn',
      text,
      count: 1,
      url: record.url,
      truncated: false,
      source: 'webstream',
    });
    emit({ type: 'dropped', sessionId: record.id, where, reason, counts });
    changed('console');
  }

  function consoleLine(record: SessionRecord, item: ConsoleItem) {
    record.counts.console += item.count;
    const entry = deps.console.add({
      sessionId: record.id,
      ...(record.context.processId ? { processId: record.context.processId } : {}),
      timestamp: new Date(item.at).toISOString(),
      level: item.level,
      text: formatConsole(item.args, MAX_CONSOLE_TEXT),
      count: item.count,
      url: record.url,
      truncated: item.truncated === true,
      source: 'page',
    });
    changed('console');
    if (item.level !== 'error') return;
    const time = now();
    const window = consoleEvents.get(record) ?? { windowStart: time, count: 0 };
    if (time - window.windowStart >= 1000) Object.assign(window, { windowStart: time, count: 0 });
    consoleEvents.set(record, window);
    if (window.count++ < deps.limits.consoleErrorEventsPerSecond) emit({ type: 'console-error', entry });
  }

  function networkFailure(record: SessionRecord, item: NetworkItem) {
    record.counts.network++;
    const { kind: _kind, at, ...rest } = item;
    const failure = deps.network.add({
      ...rest,
      sessionId: record.id,
      ...(record.context.processId ? { processId: record.context.processId } : {}),
      timestamp: new Date(at).toISOString(),
      pageUrl: record.url,
    });
    emit({ type: 'network-error', failure });
    changed('network');
  }

  function recordError(record: SessionRecord, item: ErrorItem, mapped: MappedStack | null) {
    const frames = mapped?.frames ?? [];
    const occurrence = {
      kind: item.type,
      name: item.name,
      message: item.message,
      frames,
      mapping: mapped ? mapped.mapping : ('no-stack' as const),
      stack: formatStack(item.name, item.message, frames),
      sessionId: record.id,
      url: record.url,
      at: item.at,
      count: item.count,
      ...(mapped?.note ? { mappingNote: mapped.note } : {}),
      ...(item.stack ? { rawStack: item.stack } : {}),
      ...(record.context.processId ? { processId: record.context.processId } : {}),
    };
    const { group, first } = deps.errors.record(occurrence);
    changed('errors');
    const state = errorEvents.get(group) ?? { at: 0, occurrences: 0 };
    state.occurrences += item.count;
    errorEvents.set(group, state);
    const time = now();
    if (first || time - state.at >= deps.limits.errorEventIntervalMs) {
      emit({ type: 'error', group, sessionId: record.id, first, occurrences: state.occurrences });
      state.at = time;
      state.occurrences = 0;
    }
  }

  function pageError(record: SessionRecord, item: ErrorItem): boolean {
    record.counts.errors += item.count;
    if (pendingErrors >= deps.limits.maxPendingErrors) return false;
    const raw = parseFrames(item);
    if (raw.length === 0) {
      recordError(record, item, null);
      return true;
    }
    pendingErrors++;
    const mapping: Promise<MappedStack> = deps.mapper
      ? deps.mapper.map(raw, deps.resolver(record))
      : Promise.resolve({ frames: raw.map(unmapped), mapping: 'unmapped', note: 'source mapping is off' });
    mapping
      .catch((): MappedStack => ({ frames: raw.map(unmapped), mapping: 'unmapped', note: 'source mapping failed' }))
      .then((mapped) => recordError(record, item, mapped))
      .finally(() => {
        pendingErrors--;
      });
    return true;
  }

  function items(record: SessionRecord, batch: TelemetryBatch, granted: number): DropCounts {
    const dropped: DropCounts = { console: 0, error: 0, network: 0 };
    const pendingDrops = { count: 0 };
    let left = granted;
    for (const item of batch.items) {
      if (item.kind === 'visibility') applyState(record, item.state, item.focused);
      else if (item.kind === 'closed') {
        if (sessions.close(record.id, 'pagehide')) end(record, 'pagehide');
      } else if (left-- <= 0) {
        if (item.kind !== 'dropped') dropped[item.kind] += item.kind === 'network' ? 1 : item.count;
      } else if (item.kind === 'console') consoleLine(record, item);
      else if (item.kind === 'network') networkFailure(record, item);
      else if (item.kind === 'error') {
        if (!pageError(record, item)) pendingDrops.count += item.count;
      } else {
        record.counts.droppedOnPage += item.console + item.error + item.network;
        note(record, 'page', DROP_REASONS[item.reason], item, item.at);
      }
    }
    if (pendingDrops.count > 0) {
      record.counts.droppedOnServer += pendingDrops.count;
      const counts = { console: 0, error: pendingDrops.count, network: 0 };
      note(record, 'server', `over ${deps.limits.maxPendingErrors} errors waiting for source maps`, counts, now());
    }
    return dropped;
  }

  function batch(input: TelemetryBatch, context: SessionContext): IngestResult {
    const budgeted = input.items.filter(isBudgeted).length;
    const granted = budgeted > 0 ? deps.limiter.take(input.session.id, budgeted) : 0;
    const { record, created, reopened, evicted } = sessions.touch(input.session, context);
    if (evicted) end(evicted, 'evicted');
    if (created || reopened) {
      applyState(record, input.session.visibility, input.session.focused);
      record.activeAt = now();
      emit({ type: 'session-started', session: toPublic(record), reopened });
    }
    changed('sessions');
    if (budgeted > 0 && granted === 0) {
      // Nothing is counted here: the page counts the refused batch and reports it.
      items(record, { ...input, items: input.items.filter((item) => !isBudgeted(item)) }, 0);
      return { status: 429, retryAfterMs: Math.max(1, deps.limiter.retryAfterMs(record.id)) };
    }
    const dropped = items(record, input, granted);
    if (record.closedAt === undefined) applyState(record, input.session.visibility, input.session.focused);
    const lost = dropped.console + dropped.error + dropped.network;
    if (lost > 0) {
      record.counts.droppedOnServer += lost;
      note(record, 'server', 'over the per-session rate limit', dropped, now());
    }
    return { status: 200, accepted: budgeted - Math.max(0, budgeted - granted), dropped: lost };
  }

  return { batch, end, pendingErrors: () => pendingErrors };
}
