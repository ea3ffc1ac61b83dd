import { EventSource } from 'eventsource';

/** A live `/stream` subscriber (the `eventsource` client) that indexes what it receives by event id. */
export interface Subscriber extends Disposable {
  readonly url: string;
  /** Data received per event id. */
  readonly received: Map<string, string>;
  /** `gap` events received (data), and how often the connection errored (and reconnected). */
  readonly gaps: string[];
  readonly errors: number;
  /** Resolves with the data of event `id` once it arrives, or undefined after `ms`. */
  waitFor(id: string, ms: number): Promise<string | undefined>;
}

/** Most events remembered; the oldest are forgotten first (a campaign pushes many thousands). */
const MAX_REMEMBERED = 20_000;

/** Opens a subscriber and waits (at most 5 s) until it is connected. */
export async function subscribe(url: string): Promise<Subscriber> {
  const es = new EventSource(url);
  const received = new Map<string, string>();
  const waiters = new Map<string, Set<(data: string) => void>>();
  const gaps: string[] = [];
  let errors = 0;
  es.onmessage = (e) => {
    received.set(e.lastEventId, e.data);
    if (received.size > MAX_REMEMBERED) received.delete(received.keys().next().value as string);
    for (const w of waiters.get(e.lastEventId) ?? []) w(e.data);
    waiters.delete(e.lastEventId);
  };
  es.addEventListener('gap', (e) => gaps.push(e.data));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url} did not open in 5 s`)), 5000);
    es.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  es.onerror = () => {
    errors++;
  };
  return {
    url,
    received,
    gaps,
    get errors() {
      return errors;
    },
    waitFor(id, ms) {
      const known = received.get(id);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = (data: string | undefined) => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0) waiters.delete(id);
          resolve(data);
        };
        const timer = setTimeout(() => done(undefined), ms);
        set.add(done);
      });
    },
    [Symbol.dispose]: () => es.close(),
  };
}
