import type { AckRecord, MessageStatus, Recipient } from '@ws/events';

/** Delivery and acknowledgement figures of one message. */
export type { AckRecord, MessageStatus, Recipient };

/** Connections listed per message and instance; `reached` still counts every one. */
export const MAX_LISTED_RECIPIENTS = 100;
/** Acknowledgements listed per message; `acknowledged` counts up to `maxAcksPerMessage`. */
export const MAX_LISTED_ACKS = 100;

/** Who acknowledges: its connection (proved by its key), its JWT subject, or both. */
export interface Acker {
  connection?: string | undefined;
  subject?: string | undefined;
}

/** The key one acknowledger is counted under: one ack per connection, else per subject. */
export const ackerKey = (by: Acker): string =>
  by.connection !== undefined ? `c:${by.connection}` : `s:${by.subject ?? ''}`;

/** Where delivery records are kept: this instance's memory, or Redis shared by every instance. */
export interface DeliveryStore {
  /** This instance queued message `id` to `count` connections, the first of them `recipients`. */
  reached(id: string, count: number, recipients: readonly Recipient[]): Promise<void>;
  /** Records an acknowledgement (a repeated one from the same acknowledger keeps the first time). */
  ack(id: string, by: Acker, at: number): Promise<void>;
  /** The record, across every instance that shares the store; undefined when not (or no longer) known. */
  status(id: string): Promise<MessageStatus | undefined>;
}

interface Entry {
  reached: number;
  recipients: Recipient[];
  acks: Map<string, AckRecord>;
}

const record = (by: Acker, at: number): AckRecord => ({
  ...(by.connection !== undefined ? { connection: by.connection } : {}),
  ...(by.subject !== undefined ? { subject: by.subject } : {}),
  at: new Date(at).toISOString(),
});

/**
 * The in-memory {@link DeliveryStore} (and, under `--redis`, each instance's index of the ids it
 * knows): at most `limit` messages, the oldest forgotten first (a Map keeps insertion order), at most
 * `maxAcks` distinct acknowledgers each.
 */
export interface MemoryDeliveryStore extends DeliveryStore {
  /** Whether message `id` is known here (synchronously: every instance sees every event). */
  has(id: string): boolean;
  /** The record, synchronously. */
  peek(id: string): MessageStatus | undefined;
}

export function createMemoryDeliveryStore(limit: number, maxAcks: number): MemoryDeliveryStore {
  const records = new Map<string, Entry>();
  const statusOf = (id: string, e: Entry): MessageStatus => ({
    id,
    reached: e.reached,
    acknowledged: e.acks.size,
    recipients: e.recipients,
    acks: [...e.acks.values()].slice(0, MAX_LISTED_ACKS),
  });
  return {
    has: (id) => records.has(id),
    peek(id) {
      const entry = records.get(id);
      return entry && statusOf(id, entry);
    },
    async reached(id, count, recipients) {
      const known = records.get(id);
      if (known) {
        known.reached += count;
        known.recipients.push(...recipients.slice(0, MAX_LISTED_RECIPIENTS - known.recipients.length));
        return;
      }
      records.set(id, { reached: count, recipients: recipients.slice(0, MAX_LISTED_RECIPIENTS), acks: new Map() });
      if (records.size > limit) records.delete(records.keys().next().value as string);
    },
    async ack(id, by, at) {
      const entry = records.get(id);
      if (!entry || entry.acks.size >= maxAcks) return;
      const key = ackerKey(by);
      if (!entry.acks.has(key)) entry.acks.set(key, record(by, at));
    },
    async status(id) {
      const entry = records.get(id);
      return entry && statusOf(id, entry);
    },
  };
}

/** An acknowledgement as a store keeps it. */
export const ackRecordOf = record;
