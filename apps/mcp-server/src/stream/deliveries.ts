import type { HubEvent } from '@ws/sse-core';
import { type ConnectionIdentities, createConnectionIdentities } from './connectionIdentity.js';
import {
  type Acker,
  createMemoryDeliveryStore,
  type DeliveryStore,
  MAX_LISTED_RECIPIENTS,
  type MessageStatus,
} from './deliveryRecords.js';

/** Options of {@link createDeliveries}. */
export interface DeliveriesOptions {
  /** Messages remembered (the history's size). */
  limit: number;
  /** Distinct acknowledgers counted per message. */
  maxAcks: number;
  /** A store shared by every instance (Redis); default: this instance's memory only. */
  shared?: DeliveryStore | undefined;
  /** Keys the connections' ack keys; instances sharing it verify each other's. */
  secret?: string | undefined;
  /** Told when the shared store fails a write (the record then misses it). */
  onError?: ((error: unknown) => void) | undefined;
}

/** Who each message was queued to and who acknowledged it: this instance's, and across instances with a shared store. */
export interface Deliveries {
  readonly identities: ConnectionIdentities;
  /** Called once per event with how many of this instance's connections it was queued to. */
  delivered(event: HubEvent, count: number): void;
  /** Records an acknowledgement; false when message `id` is not (or no longer) known. */
  ack(id: string, by: Acker): boolean;
  /** The record as this instance has it (synchronous). */
  localStatus(id: string): MessageStatus | undefined;
  /** The record across every instance sharing the store (waits for this instance's own writes). */
  report(id: string): Promise<MessageStatus | undefined>;
}

export function createDeliveries(options: DeliveriesOptions): Deliveries {
  const local = createMemoryDeliveryStore(options.limit, options.maxAcks);
  const identities = createConnectionIdentities(options.secret);
  const shared = options.shared;
  // This instance's writes still in flight per message, so a report made right after sees them.
  const pending = new Map<string, Promise<void>>();
  const write = (id: string, run: () => Promise<void>) => {
    if (!shared) return;
    const before = pending.get(id) ?? Promise.resolve();
    const after = before.then(run).catch((error) => options.onError?.(error));
    pending.set(id, after);
    void after.finally(() => {
      if (pending.get(id) === after) pending.delete(id);
    });
  };
  return {
    identities,
    delivered(event, count) {
      const recipients =
        count > 0 ? identities.recipientsOf(event.channel, event.type ?? '', MAX_LISTED_RECIPIENTS) : [];
      void local.reached(event.id, count, recipients);
      write(event.id, () => (shared as DeliveryStore).reached(event.id, count, recipients));
    },
    ack(id, by) {
      if (!local.has(id)) return false;
      const at = Date.now();
      void local.ack(id, by, at);
      write(id, () => (shared as DeliveryStore).ack(id, by, at));
      return true;
    },
    localStatus: (id) => local.peek(id),
    async report(id) {
      await pending.get(id);
      return shared ? shared.status(id) : local.status(id);
    },
  };
}
