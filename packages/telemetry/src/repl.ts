// The REPL routed to one tab: pick a session (given, else the most recently active visible one),
// send the command to that page's stream only, and resolve the caller's promise once: with the
// page's answer (matched by a random command id and the session it was sent to), a timeout, or the
// page closing. Late and duplicate answers are refused and counted.
import { randomUUID } from 'node:crypto';
import type { CommandChannel } from './commandChannel.js';
import { FIELD_LIMITS } from './pageConfig.js';
import type { PageCommand, ReplAnswer, Thrown } from './schemas.js';
import type { SessionRecord, SessionStore } from './sessionStore.js';

/** Default REPL timeout (ms). */
export const DEFAULT_REPL_TIMEOUT_MS = 5000;
/** Longest REPL timeout accepted (ms). */
export const MAX_REPL_TIMEOUT_MS = 120_000;
/** Most commands waiting for answers per session. */
export const MAX_PENDING_PER_SESSION = 16;

/** How the session was chosen: given by the caller, the most recently active visible one, or (none visible) the most recently active. */
export type SessionChoice = 'given' | 'most-recent-visible' | 'most-recent';

/** Why a REPL call did not return a value. */
export type ReplErrorCode =
  | 'disabled'
  | 'invalid'
  | 'no-session'
  | 'unknown-session'
  | 'not-connected'
  | 'busy'
  | 'timeout'
  | 'thrown'
  | 'closed'
  | 'shutdown';

/** Which page answered and how it was chosen. */
export interface ReplTarget {
  sessionId: string;
  url: string;
  title: string;
  chosen: SessionChoice;
}

/** The outcome of a REPL call; resolves exactly once. */
export type ReplResult =
  | (ReplTarget & { ok: true; value: unknown; type: string; durationMs: number })
  | (Partial<ReplTarget> & { ok: false; code: ReplErrorCode; message: string; error?: Thrown; durationMs?: number });

/** `repl.execute` input. */
export interface ReplExecuteInput {
  /** The page session; default: the most recently active visible one (the result says which). */
  sessionId?: string;
  /** An expression, or statements (use `return` for a value); `await` works. */
  code: string;
  /** Default {@link DEFAULT_REPL_TIMEOUT_MS}, at most {@link MAX_REPL_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** The REPL. */
export interface Repl {
  /** False when the collector was created with `repl: false` (every call answers `disabled`). */
  readonly enabled: boolean;
  execute(input: ReplExecuteInput): Promise<ReplResult>;
  /** Reloads the page (Brummer's `browser_refresh`). */
  refresh(sessionId?: string, timeoutMs?: number): Promise<ReplResult>;
  /** Navigates the page to `url` (relative to the page, or http/https) (Brummer's `browser_navigate`). */
  navigate(sessionId: string | undefined, url: string, timeoutMs?: number): Promise<ReplResult>;
  /** Commands waiting for answers. */
  pending(): number;
}

/** What the collector's handler calls. */
export interface ReplInternal extends Repl {
  answer(answer: ReplAnswer): { ok: true } | { ok: false; message: string };
  sessionClosed(sessionId: string): void;
  close(): void;
  stats(): { refusedAnswers: number };
}

type CommandBody = { action: 'eval'; code: string } | { action: 'refresh' } | { action: 'navigate'; url: string };

interface Pending {
  sessionId: string;
  action: PageCommand['action'];
  target: ReplTarget;
  started: number;
  timer: NodeJS.Timeout;
  resolve(result: ReplResult): void;
}

type Choice = { ok: true; record: SessionRecord; chosen: SessionChoice } | { ok: false; result: ReplResult };

/** Picks the session: the given one (if open and connected), else the most recently active visible, else the most recently active. */
function choose(sessions: SessionStore, channel: CommandChannel, sessionId: string | undefined): Choice {
  if (sessionId !== undefined) {
    const record = sessions.get(sessionId);
    if (!record) return fail('unknown-session', `no page session ${sessionId}; open sessions: ${listOpen(sessions)}`);
    if (record.closedAt !== undefined) return fail('closed', `page session ${sessionId} (${record.url}) is closed`);
    if (!channel.connected(sessionId)) {
      return fail(
        'not-connected',
        `page session ${sessionId} (${record.url}) has no command stream: hidden for a while, or loaded before this server started (reload it)`,
      );
    }
    return { ok: true, record, chosen: 'given' };
  }
  const connected = [...sessions.records()].filter((r) => r.closedAt === undefined && channel.connected(r.id));
  connected.sort((a, b) => b.activeAt - a.activeAt);
  const visible = connected.find((r) => r.visibility === 'visible');
  if (visible) return { ok: true, record: visible, chosen: 'most-recent-visible' };
  if (connected[0]) return { ok: true, record: connected[0], chosen: 'most-recent' };
  return fail('no-session', 'no page is connected: open the app through the proxy URL (with the REPL enabled)');
}

function listOpen(sessions: SessionStore): string {
  const open = [...sessions.records()].filter((r) => r.closedAt === undefined).slice(-5);
  return open.length ? open.map((r) => `${r.id} (${r.url})`).join(', ') : 'none';
}

/** Creates the REPL over a command channel and the session store. */
export function createRepl(
  enabled: boolean,
  channel: CommandChannel,
  sessions: SessionStore,
  now: () => number,
): ReplInternal {
  return new ReplImpl(enabled, channel, sessions, now);
}

class ReplImpl implements ReplInternal {
  private readonly waiting = new Map<string, Pending>();
  private refusedAnswers = 0;

  constructor(
    readonly enabled: boolean,
    private readonly channel: CommandChannel,
    private readonly sessions: SessionStore,
    private readonly now: () => number,
  ) {}

  execute(input: ReplExecuteInput): Promise<ReplResult> {
    if (typeof input?.code !== 'string' || input.code.trim() === '')
      return Promise.resolve(invalid('code must be a non-empty string'));
    if (input.code.length > FIELD_LIMITS.code) {
      return Promise.resolve(invalid(`code is longer than ${FIELD_LIMITS.code} characters`));
    }
    return this.send(input.sessionId, { action: 'eval', code: input.code }, input.timeoutMs);
  }

  refresh(sessionId?: string, timeoutMs?: number): Promise<ReplResult> {
    return this.send(sessionId, { action: 'refresh' }, timeoutMs);
  }

  navigate(sessionId: string | undefined, url: string, timeoutMs?: number): Promise<ReplResult> {
    if (!isNavigable(url))
      return Promise.resolve(invalid(`url must be a path or an http(s) URL (got ${JSON.stringify(url)})`));
    return this.send(sessionId, { action: 'navigate', url }, timeoutMs);
  }

  pending(): number {
    return this.waiting.size;
  }

  stats() {
    return { refusedAnswers: this.refusedAnswers };
  }

  private send(
    sessionId: string | undefined,
    command: CommandBody,
    timeoutMs = DEFAULT_REPL_TIMEOUT_MS,
  ): Promise<ReplResult> {
    if (!this.enabled)
      return Promise.resolve({ ok: false, code: 'disabled', message: 'the REPL is disabled on this server' });
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_REPL_TIMEOUT_MS) {
      return Promise.resolve(invalid(`timeoutMs must be between 1 and ${MAX_REPL_TIMEOUT_MS} (got ${timeoutMs})`));
    }
    const choice = choose(this.sessions, this.channel, sessionId);
    if (!choice.ok) return Promise.resolve(choice.result);
    const { record, chosen } = choice;
    const target: ReplTarget = { sessionId: record.id, url: record.url, title: record.title, chosen };
    const waiting = [...this.waiting.values()].filter((p) => p.sessionId === record.id).length;
    if (waiting >= MAX_PENDING_PER_SESSION) {
      return Promise.resolve({
        ...target,
        ok: false,
        code: 'busy',
        message: `${waiting} commands are already waiting for this page`,
      });
    }
    const id = randomUUID();
    return new Promise<ReplResult>((resolve) => {
      const message = `no answer from page session ${record.id} (${record.url}) within ${timeoutMs} ms; the code may still be running there`;
      const timer = setTimeout(() => this.settle(id, { ...target, ok: false, code: 'timeout', message }), timeoutMs);
      timer.unref();
      this.waiting.set(id, {
        sessionId: record.id,
        action: command.action,
        target,
        started: this.now(),
        timer,
        resolve,
      });
      if (!this.channel.send(record.id, { ...command, id } as PageCommand)) {
        this.settle(id, {
          ...target,
          ok: false,
          code: 'not-connected',
          message: `page session ${record.id} lost its command stream`,
        });
      }
    });
  }

  private settle(id: string, result: ReplResult) {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  answer(input: ReplAnswer): { ok: true } | { ok: false; message: string } {
    const entry = this.waiting.get(input.id);
    if (!entry || entry.sessionId !== input.sessionId) {
      this.refusedAnswers++;
      return {
        ok: false,
        message: `no command ${input.id} is waiting for this page session (answered already, timed out, or sent elsewhere)`,
      };
    }
    const durationMs = this.now() - entry.started;
    if (input.ok)
      this.settle(input.id, { ...entry.target, ok: true, value: input.value, type: input.type, durationMs });
    else {
      const message = `${input.error.name ? `${input.error.name}: ` : ''}${input.error.message}`;
      this.settle(input.id, { ...entry.target, ok: false, code: 'thrown', message, error: input.error, durationMs });
    }
    return { ok: true };
  }

  sessionClosed(sessionId: string) {
    for (const [id, entry] of this.waiting) {
      if (entry.sessionId !== sessionId) continue;
      // A refresh or navigation closes the page: that is the command succeeding.
      if (entry.action !== 'eval') {
        this.settle(id, {
          ...entry.target,
          ok: true,
          value: null,
          type: 'undefined',
          durationMs: this.now() - entry.started,
        });
      } else {
        this.settle(id, {
          ...entry.target,
          ok: false,
          code: 'closed',
          message: `page session ${sessionId} closed before answering`,
        });
      }
    }
  }

  close() {
    for (const id of [...this.waiting.keys()]) {
      this.settle(id, { ok: false, code: 'shutdown', message: 'the telemetry collector closed' });
    }
  }
}

function fail(code: ReplErrorCode, message: string): { ok: false; result: ReplResult } {
  return { ok: false, result: { ok: false, code, message } };
}

function invalid(message: string): ReplResult {
  return { ok: false, code: 'invalid', message };
}

function isNavigable(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 4000) return false;
  try {
    const parsed = new URL(url, 'http://relative.invalid/');
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
