import { EventSource } from 'eventsource';
import { type ConfigInput, ConfigSchema } from '../src/config/config.js';
import { createLogger } from '../src/server/logger.js';
import { type RunningServer, startServer } from '../src/server/startServer.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** A real server on 127.0.0.1:0, closed by `await using`. */
export async function startTestServer(overrides: ConfigInput = {}): Promise<RunningServer & AsyncDisposable> {
  const config = ConfigSchema.parse({ port: 0, logLevel: 'silent', ...overrides });
  const running = await startServer(config, createLogger('silent'));
  return Object.assign(running, { [Symbol.asyncDispose]: () => running.close() });
}

/** Polls `check` until it returns true or `ms` pass. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Listener extends Disposable {
  es: EventSource;
  messages: { data: string; id: string }[];
  named: { type: string; data: string }[];
  opened: Promise<void>;
}

/** A real EventSource (the `eventsource` package), optionally with extra request headers. */
export function listen(url: string, headers: Record<string, string> = {}): Listener {
  const es = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
  });
  const messages: Listener['messages'] = [];
  const named: Listener['named'] = [];
  es.onmessage = (e) => messages.push({ data: e.data, id: e.lastEventId });
  es.addEventListener('gap', (e) => named.push({ type: 'gap', data: e.data }));
  const opened = new Promise<void>((resolve, reject) => {
    es.onopen = () => resolve();
    const timer = setTimeout(() => reject(new Error(`EventSource ${url} did not open in 5 s`)), 5000);
    timer.unref();
  });
  opened.catch(() => undefined);
  return { es, messages, named, opened, [Symbol.dispose]: () => es.close() };
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A response body as JSON, typed loosely: tests assert on it rather than trust it. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by assertions
export const json = (res: Response): Promise<any> => res.json();
