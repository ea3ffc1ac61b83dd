import type { MessageStatus } from '@ws/events';

/** Delivery and acknowledgement figures of one message. */
export type { MessageStatus };

/** What this instance knows of the messages it fanned out: how many it reached, who acknowledged. */
export interface DeliveryRecords {
  /** This instance queued message `id` to `reached` subscribers. */
  reached(id: string, reached: number): void;
  /** Records that `clientId` acknowledged message `id`; false if the message is not (or no longer) known. */
  ack(id: string, clientId: string): boolean;
  status(id: string): MessageStatus | undefined;
}

/**
 * Creates {@link DeliveryRecords}: at most `limit` messages (oldest forgotten first; a Map keeps
 * insertion order), at most `maxAcks` distinct acknowledgements each.
 */
export function createDeliveryRecords(limit: number, maxAcks: number): DeliveryRecords {
  const records = new Map<string, { reached: number; acks: Set<string> }>();
  return {
    reached(id, reached) {
      records.set(id, { reached, acks: new Set() });
      if (records.size > limit) records.delete(records.keys().next().value as string);
    },
    ack(id, clientId) {
      const record = records.get(id);
      if (!record) return false;
      if (record.acks.size < maxAcks) record.acks.add(clientId);
      return true;
    },
    status(id) {
      const record = records.get(id);
      return record && { id, reached: record.reached, acknowledged: record.acks.size };
    },
  };
}
