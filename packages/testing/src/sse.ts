import { EventSource } from 'eventsource';
import { withTimeout } from './wait.js';

/** Most characters {@link readUntil} reads before giving up (a runaway stream must not fill memory). */
export const DEFAULT_READ_LIMIT_CHARS = 1024 * 1024;

/** Options of {@link readUntil}. */
export interface ReadUntilOptions {
  /** Bound on the whole read, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Most characters read before failing. Default {@link DEFAULT_READ_LIMIT_CHARS}. */
  maxChars?: number;
  /** What is awaited, for the error. Default: the awaited text, quoted. */
  what?: string;
}

const tail = (text: string) => JSON.stringify(text.length > 500 ? `…${text.slice(-500)}` : text);

/**
 * Reads a response body as text (a raw SSE stream, exact bytes) until it includes `done` (or
 * `done(text)` is true), then cancels the body and resolves with everything read. Rejects,
 * cancelling too, when the body ends first, past `maxChars`, or after `timeoutMs`; the error shows
 * the end of what was read.
 */
export async function readUntil(
  response: Response,
  done: string | ((text: string) => boolean),
  options: ReadUntilOptions = {},
): Promise<string> {
  const { timeoutMs = 10_000, maxChars = DEFAULT_READ_LIMIT_CHARS } = options;
  const what = options.what ?? (typeof done === 'string' ? JSON.stringify(done) : 'the expected text');
  const finished = typeof done === 'string' ? (text: string) => text.includes(done) : done;
  if (!response.body) throw new Error(`response ${response.status} has no body to read ${what} from`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const read = async () => {
    while (!finished(text)) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended before ${what}; read: ${tail(text)}`);
      text += decoder.decode(chunk.value, { stream: true });
      if (text.length > maxChars)
        throw new Error(`read ${text.length} characters without ${what}; read: ${tail(text)}`);
    }
    return text;
  };
  try {
    return await withTimeout(read(), timeoutMs, () => `${what} (read so far: ${tail(text)})`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Options of {@link openEventSource}. */
export interface OpenEventSourceOptions {
  /** Extra request headers on every (re)connection. Default none. */
  headers?: Record<string, string>;
  /** Named event types to record in {@link EventSourceRecording.named}. Default `['gap']`. */
  named?: readonly string[];
  /** Bound on the first connection opening, in milliseconds. Default 10000. */
  openTimeoutMs?: number;
}

/** A real `EventSource` and what it received; closed by `using`. */
export interface EventSourceRecording extends Disposable {
  es: EventSource;
  /** Unnamed (`message`) events, in order, with the id the client holds after each. */
  messages: { data: string; id: string }[];
  /** Events of the {@link OpenEventSourceOptions.named} types, in order. */
  named: { type: string; data: string }[];
  /** Resolves on the first open; rejects after `openTimeoutMs`. */
  opened: Promise<void>;
}

/** Opens a spec-compliant `EventSource` (the `eventsource` package) on `url` and records what it receives. */
export function openEventSource(url: string, options: OpenEventSourceOptions = {}): EventSourceRecording {
  const { headers = {}, named: types = ['gap'], openTimeoutMs = 10_000 } = options;
  const es = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
  });
  const messages: EventSourceRecording['messages'] = [];
  const named: EventSourceRecording['named'] = [];
  es.onmessage = (e) => messages.push({ data: e.data, id: e.lastEventId });
  for (const type of types) es.addEventListener(type, (e: MessageEvent) => named.push({ type, data: e.data }));
  const opened = withTimeout(
    new Promise<void>((resolve) => {
      es.onopen = () => resolve();
    }),
    openTimeoutMs,
    `the EventSource on ${url} to open`,
  );
  opened.catch(() => undefined); // a test that does not await it gets no unhandled rejection
  return { es, messages, named, opened, [Symbol.dispose]: () => es.close() };
}
