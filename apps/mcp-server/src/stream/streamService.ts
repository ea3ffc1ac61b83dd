import type { JsonValue, MessagePriority, MessageType, ParsedPushInput, StreamMessage } from '@ws/events';
import {
  type Bus,
  createHub,
  createMemoryBus,
  type Hub,
  type HubEvent,
  type HubOptions,
  type HubStats,
} from '@ws/sse-core';

/** Format names a `/stream` client can ask for. */
export type StreamFormat = 'text' | 'json';

/** What a push returns (the `push_stream` structured result and the `/api/push` body). */
export interface PushResult {
  id: string;
  timestamp: string;
  channel: string;
  type: MessageType;
  priority: MessagePriority;
  /** Subscribers on this instance the message was queued to. */
  clients: number;
}

/** Counters behind `stream_status`, `/api/stats` and `/metrics`: the hub's, plus uptime and history size. */
export interface StreamStatus extends HubStats {
  uptimeSeconds: number;
  historySize: number;
}

/** Delivery and acknowledgement figures of one message. */
export interface MessageStatus {
  id: string;
  /** Subscribers the message was queued to when it was published (this instance). */
  reached: number;
  /** Distinct clients that acknowledged it. */
  acknowledged: number;
}

/** Options of {@link createStreamService}. */
export interface StreamServiceOptions {
  bus?: Bus;
  historySize?: number;
  hub?: Omit<HubOptions, 'bus' | 'formats' | 'onFanout'>;
  /** Most distinct acknowledgements remembered per message. Default 10000. */
  maxAcksPerMessage?: number;
}

/** The stored part of a message: the envelope minus `id` and `timestamp`, which the bus assigns. */
interface StoredBody {
  channel: string;
  type: MessageType;
  priority: MessagePriority;
  message?: string;
  data?: JsonValue;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The seed's frame text: `[<ISO-8601 UTC>] <message>`, or the JSON data when there is no message. */
function seedText(event: HubEvent): string {
  const body = JSON.parse(event.data) as StoredBody;
  const text = body.message ?? JSON.stringify(body.data);
  return `[${iso(event.timestamp)}] ${text}`;
}

/** The `?format=json` envelope, built without re-parsing: the stored body is our own JSON object. */
function jsonEnvelope(event: HubEvent): string {
  return `{"id":${JSON.stringify(event.id)},"timestamp":"${iso(event.timestamp)}",${event.data.slice(1)}`;
}

/** Turns a stored event back into a {@link StreamMessage}. */
export function toStreamMessage(event: HubEvent): StreamMessage {
  return { id: event.id, timestamp: iso(event.timestamp), ...(JSON.parse(event.data) as StoredBody) };
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

export function createStreamService(options: StreamServiceOptions = {}): StreamService {
  const historySize = options.historySize ?? 1000;
  const maxAcks = options.maxAcksPerMessage ?? 10_000;
  const startedAt = Date.now();
  // Delivery records, bounded like the history (oldest forgotten first; Map keeps insertion order).
  const records = new Map<string, { reached: number; acks: Set<string> }>();
  const waiting = new Map<string, (reached: number) => void>();
  const recordLimit = Math.max(historySize, 100);

  const hub = createHub({
    ...options.hub,
    bus: options.bus ?? createMemoryBus({ maxEvents: historySize }),
    formats: {
      text: (e) => ({ data: seedText(e) }),
      json: (e) => ({ data: jsonEnvelope(e) }),
    },
    onFanout(event, reached) {
      records.set(event.id, { reached, acks: new Set() });
      if (records.size > recordLimit) records.delete(records.keys().next().value as string);
      const resolve = waiting.get(event.id);
      if (resolve) {
        waiting.delete(event.id);
        resolve(reached);
      }
    },
  });

  /** Resolves when this instance has fanned the event out (at once for the memory bus). */
  function fannedOut(id: string, timeoutMs = 1000): Promise<number> {
    const known = records.get(id);
    if (known) return Promise.resolve(known.reached);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(0);
      }, timeoutMs);
      timer.unref();
      waiting.set(id, (n) => {
        clearTimeout(timer);
        resolve(n);
      });
    });
  }

  return {
    hub,
    async push(input) {
      const body: StoredBody = { channel: input.channel, type: input.type, priority: input.priority };
      if (input.message !== undefined) body.message = input.message;
      if (input.data !== undefined) body.data = input.data;
      const event = await hub.publish({
        data: JSON.stringify(body),
        channel: input.channel,
        type: input.type,
        // The core has two levels: high is never dropped and goes first; low and normal are droppable.
        priority: input.priority === 'high' ? 'high' : 'normal',
      });
      const clients = await fannedOut(event.id);
      return {
        id: event.id,
        timestamp: iso(event.timestamp),
        channel: input.channel,
        type: input.type,
        priority: input.priority,
        clients,
      };
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
    ack(id, clientId) {
      const record = records.get(id);
      if (!record) return false;
      if (record.acks.size < maxAcks) record.acks.add(clientId);
      return true;
    },
    messageStatus(id) {
      const record = records.get(id);
      return record && { id, reached: record.reached, acknowledged: record.acks.size };
    },
    close: () => hub.close(),
  };
}
