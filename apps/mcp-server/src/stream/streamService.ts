import type { PushResult as EventsPushResult, ParsedPushInput, StreamMessage, StreamStatus } from '@ws/events';
import { type Bus, createHub, createMemoryBus, type Hub, type HubOptions } from '@ws/sse-core';
import { createDeliveryRecords, type DeliveryRecords, type MessageStatus } from './deliveryRecords.js';
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
}

/** The stream service: a hub with the product's formats, plus push, history, acknowledgements and status. */
export interface StreamService {
  readonly hub: Hub;
  push(input: ParsedPushInput): Promise<PushResult>;
  history(options?: { channel?: string | undefined; limit?: number | undefined }): Promise<StreamMessage[]>;
  status(): StreamStatus;
  /** Records that `clientId` acknowledged message `id`; false if the message is not (or no longer) known. */
  ack(id: string, clientId: string): boolean;
  messageStatus(id: string): MessageStatus | undefined;
  close(): Promise<void>;
}

/**
 * The bus as the hub sees it, with each local fan-out's count recorded for acknowledgements: this
 * instance's pushes and other instances' events alike (the hub's listener returns the count).
 */
function recordingBus(bus: Bus, records: DeliveryRecords): Bus {
  return {
    publish: (input) => bus.publish(input),
    listen: (listener) =>
      bus.listen((event) => {
        const reached = listener(event) ?? 0;
        records.reached(event.id, reached);
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
  const records = createDeliveryRecords(Math.max(historySize, 100), options.maxAcksPerMessage ?? 10_000);
  const bus = options.bus ?? createMemoryBus({ maxEvents: historySize });
  const hub = createHub({ ...options.hub, bus: recordingBus(bus, records), formats: HUB_FORMATS });
  return {
    hub,
    async push(input) {
      // Resolves once this instance has fanned the message out, with the count (see the Bus contract).
      const { event, queued } = await hub.publish(storedMessage(input));
      const { channel, type, priority } = input;
      return { id: event.id, timestamp: iso(event.timestamp), channel, type, priority, clients: queued };
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
    ack: (id, clientId) => records.ack(id, clientId),
    messageStatus: (id) => records.status(id),
    close: () => hub.close(),
  };
}
