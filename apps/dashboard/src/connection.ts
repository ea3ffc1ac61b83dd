// One EventSource for everything (channels are filtered client-side), with a state a person can read.
import { ReplayedSchema, type StreamGap, StreamGapSchema, type StreamMessage } from '@ws/events';

export type ConnectionState = 'connecting' | 'replaying' | 'connected' | 'reconnecting';

export interface ConnectionEvents {
  state(state: ConnectionState): void;
  message(message: StreamMessage): void;
  /**
   * The server could not prove delivery complete and says what is missing; `undefined` when its
   * `gap` data did not match the schema (a gap all the same: it is announced, not dropped).
   */
  gap(detail: StreamGap | undefined): void;
  /** A replay ended; `count` events were caught up (`undefined` if the marker's data was unreadable). */
  replayed?(count: number | undefined): void;
}

/** Events replayed from history on the first connection. */
export const INITIAL_REPLAY = 200;

/** The `data` of a named event, parsed as JSON; `undefined` when it is not JSON. */
function jsonData(e: Event): unknown {
  try {
    return JSON.parse((e as MessageEvent<string>).data);
  } catch {
    return undefined;
  }
}

export function connect(on: ConnectionEvents): () => void {
  // The first request replays recent history; on reconnect the browser sends Last-Event-ID, which wins.
  const source = new EventSource(`/stream?format=json&replay=${INITIAL_REPLAY}`);
  let state: ConnectionState = 'connecting';
  const set = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    on.state(next);
  };
  on.state(state);
  // Every open is followed by a replay (initial history, or what was missed) that ends with `replayed`.
  source.onopen = () => set('replaying');
  source.addEventListener('replayed', (e) => {
    set('connected');
    on.replayed?.(ReplayedSchema.safeParse(jsonData(e)).data?.count);
  });
  source.onerror = () => set(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting');
  source.onmessage = (e: MessageEvent<string>) => {
    try {
      on.message(JSON.parse(e.data) as StreamMessage);
    } catch {
      // Not an envelope (cannot happen with format=json); ignore rather than break the stream.
    }
  };
  source.addEventListener('gap', (e) => on.gap(StreamGapSchema.safeParse(jsonData(e)).data));
  return () => source.close();
}
