import { createHash } from 'node:crypto';

/** Keys remembered at most (`maxIdempotencyKeys`); the oldest is forgotten first. */
export const DEFAULT_MAX_IDEMPOTENCY_KEYS = 10_000;
/** How long a key is remembered (`idempotencyTtlMs`): 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** An idempotency key: 1-200 printable ASCII characters (an `Idempotency-Key` header, a tool argument, a broker message id). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The store key of a push's idempotency key: `/api/push` and `push_stream` share it; bridges use `bridge:<name>:`. */
export const pushKey = (key: string): string => `push:${key}`;

/** Thrown when the first push with a key is still in flight (on another instance) after a bounded wait: retry. */
export class IdempotencyInProgressError extends Error {
  constructor(key: string) {
    super(`a push with idempotency key ${JSON.stringify(key)} is still in progress; retry shortly`);
    this.name = 'IdempotencyInProgressError';
  }
}

/** What {@link IdempotencyStore.once} answers. */
export type Once<T> =
  | { kind: 'first'; result: T }
  /** The key was used before with the same input: the first result, nothing done again. */
  | { kind: 'replayed'; result: T }
  /** The key was used before with different input: nothing done (answer 422). */
  | { kind: 'conflict' };

/**
 * Remembers what a keyed operation returned, so a retry with the same key returns the first result
 * instead of doing it again. Two concurrent calls with one key run the operation once.
 */
export interface IdempotencyStore<T> {
  /**
   * Runs `run` unless `key` is remembered: then answers its first result (or `conflict` when
   * `fingerprint` differs). A `run` that throws is not remembered (the retry runs it again).
   */
  once(key: string, fingerprint: string, run: () => Promise<T>): Promise<Once<T>>;
  /** Keys remembered now (NaN when the store cannot tell cheaply). */
  size(): number;
}

/** Options of {@link createMemoryIdempotencyStore}. */
export interface IdempotencyOptions {
  /** @default 10000 */
  maxKeys?: number;
  /** @default 24 h */
  ttlMs?: number;
  now?: () => number;
}

/** Objects with their keys sorted, so that the same input parsed by two paths has one JSON text. */
const sortedKeys = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

/** A fingerprint of an operation's input (a retry must send the same input; key order does not matter). */
export const fingerprintOf = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value, sortedKeys) ?? '')
    .digest('base64url');

interface Entry<T> {
  fingerprint: string;
  at: number;
  pending: Promise<T> | undefined;
  result: T | undefined;
}

/**
 * An in-memory {@link IdempotencyStore}: at most `maxKeys` keys (oldest forgotten first), each for
 * `ttlMs`. A forgotten key no longer dedupes: the retention is the documented bound.
 */
export function createMemoryIdempotencyStore<T>(options: IdempotencyOptions = {}): IdempotencyStore<T> {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_IDEMPOTENCY_KEYS;
  const ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();
  const expire = (t: number) => {
    for (const [key, entry] of entries) {
      if (entry.at + ttlMs > t && entries.size <= maxKeys) break;
      if (entry.pending) continue;
      entries.delete(key);
    }
  };
  return {
    async once(key, fingerprint, run) {
      const t = now();
      expire(t);
      const known = entries.get(key);
      if (known && known.at + ttlMs > t) {
        if (known.fingerprint !== fingerprint) return { kind: 'conflict' };
        const result = known.pending ? await known.pending : (known.result as T);
        return { kind: 'replayed', result };
      }
      const pending = run();
      const entry: Entry<T> = { fingerprint, at: t, pending, result: undefined };
      entries.delete(key);
      entries.set(key, entry);
      expire(t);
      try {
        const result = await pending;
        entry.result = result;
        return { kind: 'first', result };
      } catch (error) {
        if (entries.get(key) === entry) entries.delete(key);
        throw error;
      } finally {
        entry.pending = undefined;
      }
    },
    size: () => entries.size,
  };
}
