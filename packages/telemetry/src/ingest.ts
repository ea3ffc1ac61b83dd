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

type Budgeted = ConsoleItem | ErrorItem | NetworkItem;

/** Console lines, errors and failures count against the session's rate; state changes and drop reports never do. */
function isBudgeted(item: TelemetryBatch['items'][number]): item is Budgeted {
  return item.kind === 'console' || item.kind === 'error' || item.kind === 'network';
}

function describeDrops(counts: DropCounts): string {
  const parts: string[] = [];
  if (counts.console) parts.push(`${counts.console} console call${counts.console === 1 ? '' : 's'}`);
  if (counts.error) parts.push(`${counts.error} error${counts.error === 1 ? '' : 's'}`);
  if (counts.network) parts.push(`${counts.network} failed request${counts.network === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Ingestion: `this.batch()` for each validated batch, `this.end()` for sessions the sweep closes. */
export type Ingest = IngestImpl;

/** Creates ingestion. */
export function createIngest(deps: IngestDeps): Ingest {
  return new IngestImpl(deps);
}

class IngestImpl {
  private pending = 0;
  private readonly errorEvents = new WeakMap<ErrorGroup, { at: number; occurrences: number }>();
  private readonly consoleEvents = new WeakMap<SessionRecord, { windowStart: number; count: number }>();

  constructor(private readonly deps: IngestDeps) {}

  pendingErrors(): number {
    return this.pending;
  }

  end(record: SessionRecord, reason: SessionEndReason) {
    this.deps.repl.sessionClosed(record.id);
    this.deps.released(record, reason === 'evicted');
    this.deps.emit({ type: 'session-ended', session: toPublic(record), reason });
    this.deps.changed('sessions');
  }

  private applyState(record: SessionRecord, visibility: PageInfo['visibility'], focused: boolean) {
    const becameActive = (visibility === 'visible' && record.visibility !== 'visible') || (focused && !record.focused);
    if (becameActive) record.activeAt = this.deps.now();
    record.visibility = visibility;
    record.focused = focused;
  }

  private note(record: SessionRecord, where: 'page' | 'server', reason: string, counts: DropCounts, at: number) {
    const text = `webstream: ${where === 'page' ? 'the page' : 'the server'} dropped ${describeDrops(counts)} (${reason})`;
    this.deps.console.add({
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
    this.deps.emit({ type: 'dropped', sessionId: record.id, where, reason, counts });
    this.deps.changed('console');
  }

  private consoleLine(record: SessionRecord, item: ConsoleItem) {
    record.counts.console += item.count;
    const entry = this.deps.console.add({
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
    this.deps.changed('console');
    if (item.level !== 'error') return;
    const time = this.deps.now();
    const window = this.consoleEvents.get(record) ?? { windowStart: time, count: 0 };
    if (time - window.windowStart >= 1000) Object.assign(window, { windowStart: time, count: 0 });
    this.consoleEvents.set(record, window);
    if (window.count++ < this.deps.limits.consoleErrorEventsPerSecond) this.deps.emit({ type: 'console-error', entry });
  }

  private networkFailure(record: SessionRecord, item: NetworkItem) {
    record.counts.network++;
    const { kind: _kind, at, ...rest } = item;
    const failure = this.deps.network.add({
      ...rest,
      sessionId: record.id,
      ...(record.context.processId ? { processId: record.context.processId } : {}),
      timestamp: new Date(at).toISOString(),
      pageUrl: record.url,
    });
    this.deps.emit({ type: 'network-error', failure });
    this.deps.changed('network');
  }

  private recordError(record: SessionRecord, item: ErrorItem, mapped: MappedStack | null) {
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
    const { group, first } = this.deps.errors.record(occurrence);
    this.deps.changed('errors');
    const state = this.errorEvents.get(group) ?? { at: 0, occurrences: 0 };
    state.occurrences += item.count;
    this.errorEvents.set(group, state);
    const time = this.deps.now();
    if (first || time - state.at >= this.deps.limits.errorEventIntervalMs) {
      this.deps.emit({ type: 'error', group, sessionId: record.id, first, occurrences: state.occurrences });
      state.at = time;
      state.occurrences = 0;
    }
  }

  private pageError(record: SessionRecord, item: ErrorItem): boolean {
    record.counts.errors += item.count;
    if (this.pending >= this.deps.limits.maxPendingErrors) return false;
    const raw = parseFrames(item);
    if (raw.length === 0) {
      this.recordError(record, item, null);
      return true;
    }
    this.pending++;
    const mapping: Promise<MappedStack> = this.deps.mapper
      ? this.deps.mapper.map(raw, this.deps.resolver(record))
      : Promise.resolve({ frames: raw.map(unmapped), mapping: 'unmapped', note: 'source mapping is off' });
    mapping
      .catch((): MappedStack => ({ frames: raw.map(unmapped), mapping: 'unmapped', note: 'source mapping failed' }))
      .then((mapped) => this.recordError(record, item, mapped))
      .finally(() => {
        this.pending--;
      });
    return true;
  }

  private items(record: SessionRecord, batch: TelemetryBatch, granted: number): DropCounts {
    const dropped: DropCounts = { console: 0, error: 0, network: 0 };
    const pendingDrops = { count: 0 };
    let left = granted;
    for (const item of batch.items) {
      if (item.kind === 'visibility') this.applyState(record, item.state, item.focused);
      else if (item.kind === 'closed') {
        if (this.deps.sessions.close(record.id, 'pagehide')) this.end(record, 'pagehide');
      } else if (item.kind === 'dropped') {
        record.counts.droppedOnPage += item.console + item.error + item.network;
        this.note(record, 'page', DROP_REASONS[item.reason], item, item.at);
      } else if (left-- <= 0) {
        dropped[item.kind] += item.kind === 'network' ? 1 : item.count;
      } else if (item.kind === 'console') this.consoleLine(record, item);
      else if (item.kind === 'network') this.networkFailure(record, item);
      else if (!this.pageError(record, item)) pendingDrops.count += item.count;
    }
    if (pendingDrops.count > 0) {
      record.counts.droppedOnServer += pendingDrops.count;
      const counts = { console: 0, error: pendingDrops.count, network: 0 };
      this.note(
        record,
        'server',
        `over ${this.deps.limits.maxPendingErrors} errors waiting for source maps`,
        counts,
        this.deps.now(),
      );
    }
    return dropped;
  }

  batch(input: TelemetryBatch, context: SessionContext): IngestResult {
    const budgeted = input.items.filter(isBudgeted).length;
    const granted = budgeted > 0 ? this.deps.limiter.take(input.session.id, budgeted) : 0;
    const { record, created, reopened, evicted } = this.deps.sessions.touch(input.session, context);
    if (evicted) this.end(evicted, 'evicted');
    if (created || reopened) {
      this.applyState(record, input.session.visibility, input.session.focused);
      record.activeAt = this.deps.now();
      this.deps.emit({ type: 'session-started', session: toPublic(record), reopened });
    }
    this.deps.changed('sessions');
    if (budgeted > 0 && granted === 0) {
      // Nothing is counted here: the page counts the refused batch and reports it.
      this.items(record, { ...input, items: input.items.filter((item) => !isBudgeted(item)) }, 0);
      return { status: 429, retryAfterMs: Math.max(1, this.deps.limiter.retryAfterMs(record.id)) };
    }
    const dropped = this.items(record, input, granted);
    if (record.closedAt === undefined) this.applyState(record, input.session.visibility, input.session.focused);
    const lost = dropped.console + dropped.error + dropped.network;
    if (lost > 0) {
      record.counts.droppedOnServer += lost;
      this.note(record, 'server', 'over the per-session rate limit', dropped, this.deps.now());
    }
    return { status: 200, accepted: Math.min(budgeted, granted), dropped: lost };
  }
}
