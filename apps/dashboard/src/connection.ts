// One EventSource for everything (channels are filtered client-side), with a state a person can read.
import type { StreamMessage } from '@ws/events';

export type ConnectionState = 'connecting' | 'replaying' | 'connected' | 'reconnecting';

export interface ConnectionEvents {
  state(state: ConnectionState): void;
  message(message: StreamMessage): void;
  /** The server could not prove delivery gap-free: `missed` events (overflow) or an unknown span (expired history, restart). */
  gap(detail: { reason: string; missed?: number }): void;
}

/** Events replayed from history on the first connection. */
export const INITIAL_REPLAY = 200;

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
  source.addEventListener('replayed', () => set('connected'));
  source.onerror = () => set(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting');
  source.onmessage = (e: MessageEvent<string>) => {
    try {
      on.message(JSON.parse(e.data) as StreamMessage);
    } catch {
      // Not an envelope (cannot happen with format=json); ignore rather than break the stream.
    }
  };
  source.addEventListener('gap', (e) =>
    on.gap(JSON.parse((e as MessageEvent<string>).data) as { reason: string; missed?: number }),
  );
  return () => source.close();
}
