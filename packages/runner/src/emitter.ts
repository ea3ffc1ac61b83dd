// biome-ignore lint/suspicious/noExplicitAny: listener signatures differ per event; each is typed by its map.
type AnyListener = (...args: any[]) => void;

/** A typed publish/subscribe of one map of event name to listener signature. */
export interface Emitter<L extends { [K in keyof L]: AnyListener }> {
  /** Calls the event's listeners in the order they were added. */
  emit<K extends keyof L>(event: K, ...args: Parameters<L[K]>): void;
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof L>(event: K, listener: L[K]): () => void;
  clear(): void;
}

export function createEmitter<L extends { [K in keyof L]: AnyListener }>(): Emitter<L> {
  const listeners = new Map<keyof L, Set<AnyListener>>();
  return {
    emit(event, ...args) {
      const set = listeners.get(event);
      if (set) for (const listener of set) listener(...args);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
