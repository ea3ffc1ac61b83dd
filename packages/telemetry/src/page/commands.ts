// The REPL channel of one page: one EventSource to `<base>commands?session=…&key=…`, opened once the
// server has accepted a batch (so it knows the session), closed while the page is hidden for long
// (browsers allow few connections per origin), each command run once and answered once by POST.
import type { PageConfig } from '../pageConfig.js';
import { FIELD_LIMITS } from '../pageConfig.js';
import type { PageCommand, ReplAnswer } from '../schemas.js';
import { compile } from './evaluate.js';
import { cap, type Guard, guarded } from './guard.js';
import { describeType, safeMessage, serialize } from './serialize.js';

/** What the channel needs from the page. */
export interface CommandEnv {
  sessionId: string;
  nonce: string;
  guard: Guard;
  now(): number;
  post(path: string, body: string): Promise<unknown>;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The channel's controls. */
export interface Commands {
  /** Opens the stream if it is not open (called after each delivered batch). */
  open(): void;
  close(): void;
  visibility(state: 'visible' | 'hidden'): void;
}

/** Creates the channel (closed until `open`). */
export function createCommands(config: PageConfig, env: CommandEnv): Commands {
  let source: EventSource | undefined;
  let hiddenTimer: unknown;
  let closedAt = 0;
  let stopped = false;
  const done = new Set<string>();
  const url = `${config.base}commands?session=${encodeURIComponent(env.sessionId)}&key=${encodeURIComponent(config.key)}`;

  function open() {
    if (source || stopped || typeof EventSource !== 'function') return;
    // A stream the server refused (unknown session, key) is retried at most every 5 s.
    if (closedAt && env.now() - closedAt < 5000) return;
    const stream = new EventSource(url);
    source = stream;
    stream.addEventListener('command', (event) => guarded(env.guard, () => receive((event as MessageEvent).data)));
    stream.onerror = () => {
      if (stream.readyState === EventSource.CLOSED && source === stream) {
        source = undefined;
        closedAt = env.now();
      }
    };
  }

  function close() {
    source?.close();
    source = undefined;
  }

  function receive(data: unknown) {
    const command = JSON.parse(String(data)) as PageCommand;
    if (typeof command?.id !== 'string' || done.has(command.id)) return;
    if (done.size >= 100) done.clear();
    done.add(command.id);
    void run(command);
  }

  async function run(command: PageCommand) {
    const started = env.now();
    const answer = await execute(command, config, env).catch((error: unknown) => thrown(error));
    const body: ReplAnswer = {
      ...answer,
      key: config.key,
      sessionId: env.sessionId,
      id: command.id,
      durationMs: Math.max(0, env.now() - started),
    } as ReplAnswer;
    await env.post('answer', JSON.stringify(body)).catch(() => {});
    if (command.action === 'refresh') location.reload();
    else if (command.action === 'navigate' && answer.ok) location.assign(command.url);
  }

  return {
    open,
    close: () => {
      stopped = true;
      close();
    },
    visibility(state) {
      if (hiddenTimer !== undefined) env.clearTimer(hiddenTimer);
      hiddenTimer = undefined;
      if (state === 'visible') {
        stopped = false;
        closedAt = 0;
        open();
      } else if (config.hiddenStreamCloseMs !== null) {
        hiddenTimer = env.setTimer(close, config.hiddenStreamCloseMs);
      }
    },
  };
}

type Outcome = { ok: true; value: unknown; type: string; url: string } | { ok: false; error: ReplAnswerError };
type ReplAnswerError = { name: string; message: string; stack?: string };

async function execute(command: PageCommand, config: PageConfig, env: CommandEnv): Promise<Outcome> {
  if (command.action === 'refresh')
    return { ok: true, value: null, type: 'undefined', url: cap(location.href, FIELD_LIMITS.url) };
  if (command.action === 'navigate') {
    const target = new URL(command.url, location.href);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { ok: false, error: { name: 'TypeError', message: `refusing to navigate to a ${target.protocol} URL` } };
    }
    return { ok: true, value: target.href, type: 'string', url: cap(location.href, FIELD_LIMITS.url) };
  }
  const fn = compile(command.code, env.nonce, env.guard);
  const result = await fn.call(window);
  const limits = { ...config, maxBytes: config.maxResultBytes };
  const value = result === undefined ? null : serialize(result, limits).value;
  return { ok: true, value, type: cap(describeType(result), 100), url: cap(location.href, FIELD_LIMITS.url) };
}

function thrown(error: unknown): Outcome {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const target = error as Error;
    const out: ReplAnswerError = {
      name: cap(String(target.name ?? 'Error'), FIELD_LIMITS.name),
      message: cap(safeMessage(error), FIELD_LIMITS.message),
    };
    if (typeof target.stack === 'string') out.stack = cap(target.stack, FIELD_LIMITS.stack);
    return { ok: false, error: out };
  }
  const { value } = serialize(error, { maxDepth: 2, maxStringLength: 1000, maxKeys: 20, maxBytes: 2000 });
  const message = typeof value === 'string' ? value : JSON.stringify(value);
  return { ok: false, error: { name: 'Thrown', message: cap(message, FIELD_LIMITS.message) } };
}
