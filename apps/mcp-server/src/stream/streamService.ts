import type { PushResult as EventsPushResult, ParsedPushInput, StreamMessage, StreamStatus } from '@ws/events';
import { type Bus, createHub, createMemoryBus, type Hub, type HubEvent, type HubOptions } from '@ws/sse-core';
import { createDeliveries, type Deliveries } from './deliveries.js';
import type { Acker, DeliveryStore, MessageStatus } from './deliveryRecords.js';
import { createMemoryIdempotencyStore, fingerprintOf, type IdempotencyStore } from './idempotency.js';
import { HUB_FORMATS, iso, storedMessage, toStreamMessage } from './streamMessages.js';

export type { MessageStatus } from './deliveryRecords.js';
export type { StreamFormat } from './streamMessages.js';
export { toStreamMessage } from './streamMessages.js';

/** What a push returns (the `push_stream` result; `/api/push` adds `status`). */
export type PushResult = Omit<EventsPushResult, 'status'>;
export type { StreamStatus };

/** Options of {@link createStreamService}. */
export interface StreamServiceOptions {
  /** Default: an in-memory bus keeping `historySize` events. */
  bus?: Bus;
  /** Events retained, and the bound of `history()`. Default 1000. */
  historySize?: number;
  hub?: Omit<HubOptions, 'bus' | 'formats'>;
  /** Most distinct acknowledgements remembered per message. Default 10000. */
  maxAcksPerMessage?: number;
  /** Where idempotency keys are remembered. Default: in memory, 10,000 keys for 24 h. */
  idempotency?: IdempotencyStore<PushResult>;
  /** Delivery records shared by every instance (Redis). Default: this instance's memory. */
  deliveryStore?: DeliveryStore;
  /** Keys the connections' ack keys (instances sharing it verify each other's). Default: random. */
  ackSecret?: string;
  /** Told when the shared delivery store fails a write. */
  onError?: (error: unknown) => void;
}

/** Options of one {@link StreamService.push}. */
export interface PushOptions {
  /** A retried push with the same key returns the first result and publishes nothing. */
  idempotencyKey?: string | undefined;
}

/** A push's result; `replayed` when it is the first result of an earlier push with the same key. */
export type KeyedPushResult = PushResult & { replayed?: true };

/** Thrown by {@link StreamService.push} when the idempotency key was used with different input. */
export class IdempotencyConflictError extends Error {
  constructor(key: string) {
    super(`idempotency key ${JSON.stringify(key)} was already used for a different message; use a new key`);
    this.name = 'IdempotencyConflictError';
  }
}

/** The stream service: a hub with the product's formats, plus push, history, acknowledgements and status. */
export interface StreamService {
  readonly hub: Hub;
  push(input: ParsedPushInput, options?: PushOptions): Promise<KeyedPushResult>;
  /** Calls `listener` with every event this instance's bus delivers (in id order); returns the unsubscribe. */
  onEvent(listener: (event: HubEvent) => void): () => void;
  history(options?: { channel?: string | undefined; limit?: number | undefined }): Promise<StreamMessage[]>;
  status(): StreamStatus;
  /** Who each message reached and who acknowledged it; the connections' identities. */
  readonly deliveries: Deliveries;
  /**
   * Records an acknowledgement of message `id` by `by` (a connection and/or subject the caller has
   * verified; a string is a connection id); false if the message is not (or no longer) known.
   */
  ack(id: string, by: Acker | string): boolean;
  /** The record as this instance has it (synchronous). */
  messageStatus(id: string): MessageStatus | undefined;
  /** The record across every instance (under `--redis`), with every recipient and acknowledgement listed. */
  messageReport(id: string): Promise<MessageStatus | undefined>;
  close(): Promise<void>;
}

/**
 * The bus as the hub sees it, with each local fan-out's count recorded for acknowledgements: this
 * instance's pushes and other instances' events alike (the hub's listener returns the count).
 */
function recordingBus(bus: Bus, records: Deliveries, listeners: Set<(event: HubEvent) => void>): Bus {
  return {
    publish: (input) => bus.publish(input),
    listen: (listener) =>
      bus.listen((event) => {
        const reached = listener(event) ?? 0;
        records.delivered(event, reached);
        for (const l of listeners) {
          try {
            l(event);
          } catch {
            // A listener's failure (a bridge's egress) is its own: the hub's delivery goes on.
          }
        }
        return reached;
      }),
    after: (lastEventId) => bus.after(lastEventId),
    latest: (count) => bus.latest(count),
    compareIds: (a, b) => bus.compareIds(a, b),
    close: () => bus.close(),
  };
}

export function createStreamService(options: StreamServiceOptions = {}): StreamService {
  const historySize = options.historySize ?? 1000;
  const startedAt = Date.now();
  const records = createDeliveries({
    limit: Math.max(historySize, 100),
    maxAcks: options.maxAcksPerMessage ?? 10_000,
    shared: options.deliveryStore,
    secret: options.ackSecret,
    onError: options.onError,
  });
  const bus = options.bus ?? createMemoryBus({ maxEvents: historySize });
  const listeners = new Set<(event: HubEvent) => void>();
  const hub = createHub({ ...options.hub, bus: recordingBus(bus, records, listeners), formats: HUB_FORMATS });
  const keys = options.idempotency ?? createMemoryIdempotencyStore<PushResult>();
  const publish = async (input: ParsedPushInput): Promise<PushResult> => {
    // Resolves once this instance has fanned the message out, with the count (see the Bus contract).
    const { event, queued } = await hub.publish(storedMessage(input));
    const { channel, type, priority } = input;
    return { id: event.id, timestamp: iso(event.timestamp), channel, type, priority, clients: queued };
  };
  return {
    hub,
    async push(input, { idempotencyKey } = {}) {
      if (idempotencyKey === undefined) return publish(input);
      const once = await keys.once(idempotencyKey, fingerprintOf(input), () => publish(input));
      if (once.kind === 'conflict') throw new IdempotencyConflictError(idempotencyKey);
      return once.kind === 'replayed' ? { ...once.result, replayed: true } : once.result;
    },
    onEvent(listener) {
      const own = (event: HubEvent) => listener(event);
      listeners.add(own);
      return () => listeners.delete(own);
    },
    async history({ channel, limit = 20 } = {}) {
      const events = await hub.bus.latest(channel === undefined ? limit : historySize);
      const matching = channel === undefined ? events : events.filter((e) => e.channel === channel);
      return matching.slice(-limit).map(toStreamMessage);
    },
    status() {
      const s = hub.stats();
      return { ...s, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), historySize };
    },
    deliveries: records,
    ack: (id, by) => records.ack(id, typeof by === 'string' ? { connection: by } : by),
    messageStatus: (id) => records.localStatus(id),
    messageReport: (id) => records.report(id),
    close: () => hub.close(),
  };
}
