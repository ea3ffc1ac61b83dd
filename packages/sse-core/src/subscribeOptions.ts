import { SseError } from './errors.js';

/** What a subscriber wants. {@link Hub.subscribe} rejects a bad value with `SseError` `invalid_option`; adapters answer `400`. */
export interface SubscribeOptions {
  /** Only these channels (each 1-256 characters without CR, LF or NUL). `undefined` or empty: every channel. @default undefined */
  channels?: readonly string[] | undefined;
  /** Only these event types (`message` matches untyped events; same rule as channels). `undefined` or empty: every type. @default undefined */
  types?: readonly string[] | undefined;
  /**
   * Resume after this id (the `Last-Event-ID`): at most 256 characters without CR, LF or NUL; empty
   * means none. Wins over `replay`. The adapters fill it from the `Last-Event-ID` header, else the
   * `lastEventId` query parameter. @default undefined
   */
  lastEventId?: string | undefined;
  /** Replay the most recent N events (after filtering, out of the N most recent) on connect: a non-negative integer. @default undefined (none) */
  replay?: number | undefined;
  /** Format name: `default` or one of the hub's `formats`. @default 'default' ({@link DEFAULT_FORMAT}) */
  format?: string | undefined;
}

/** Longest `Last-Event-ID` accepted. */
export const MAX_LAST_EVENT_ID_LENGTH = 256;

const FORBIDDEN = /[\r\n\0]/;

/** Throws `SseError` (`code`) unless `value` is a usable channel or type name. */
export function checkName(kind: string, value: unknown, code: 'invalid_field' | 'invalid_option'): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || FORBIDDEN.test(value)) {
    throw new SseError(code, `${kind} must be 1-256 characters without CR, LF or NUL (got ${JSON.stringify(value)})`);
  }
}

function checkNames(kind: string, values: unknown): void {
  if (values === undefined) return;
  if (!Array.isArray(values)) throw new SseError('invalid_option', `${kind}s must be a list of names`);
  for (const value of values) checkName(kind, value, 'invalid_option');
}

/**
 * Validates what a client asked for (often straight from a query string) and normalizes it:
 * an empty `lastEventId` becomes `undefined`. Throws `SseError` `invalid_option` saying what to fix.
 */
export function checkSubscribeOptions(options: SubscribeOptions): SubscribeOptions {
  checkNames('channel', options.channels);
  checkNames('type', options.types);
  const { replay } = options;
  if (replay !== undefined && !(Number.isSafeInteger(replay) && replay >= 0)) {
    throw new SseError(
      'invalid_option',
      `replay must be a non-negative integer (got ${typeof replay === 'number' ? replay : JSON.stringify(replay)})`,
    );
  }
  let lastEventId = options.lastEventId;
  if (lastEventId === '') lastEventId = undefined;
  if (
    lastEventId !== undefined &&
    (typeof lastEventId !== 'string' || lastEventId.length > MAX_LAST_EVENT_ID_LENGTH || FORBIDDEN.test(lastEventId))
  ) {
    throw new SseError(
      'invalid_option',
      `lastEventId must be an event id the stream sent: at most ${MAX_LAST_EVENT_ID_LENGTH} characters without CR, LF or NUL (got ${JSON.stringify(String(lastEventId).slice(0, 64))}${String(lastEventId).length > 64 ? '…' : ''})`,
    );
  }
  return lastEventId === options.lastEventId ? options : { ...options, lastEventId };
}
