import type { BridgeEvent } from './hub.js';

/**
 * What egress puts in a broker message's body:
 * - `envelope`: the event as JSON `{id, timestamp, channel, type, priority, message?, data?}`;
 * - `json`: `data` as JSON (the message text as a JSON string when there is no data);
 * - `text`: the message text (`data` as JSON when there is no text).
 */
export type EgressPayload = 'envelope' | 'json' | 'text';

/** Names of the headers (NATS headers, AMQP headers, MQTT 5 user properties) egress sets on every message. */
export const HEADERS = {
  /** The event id (also the broker's message id: `Nats-Msg-Id`, AMQP `messageId`, MQTT `message-id`). */
  eventId: 'ws-event-id',
  channel: 'ws-channel',
  type: 'ws-type',
  priority: 'ws-priority',
  timestamp: 'ws-timestamp',
  /** The bridge's `origin`: an ingest with the same origin skips the message (no loops). */
  origin: 'ws-origin',
} as const;

/** A message ready for a broker. */
export interface OutboundMessage {
  /** Subject, routing key or topic. */
  readonly target: string;
  readonly body: Uint8Array;
  readonly contentType: 'application/json' | 'text/plain; charset=utf-8';
  readonly headers: Readonly<Record<string, string>>;
  /** The event id. */
  readonly messageId: string;
}

const utf8 = new TextEncoder();

/** Renders `{channel}`, `{type}` and `{priority}` in a subject/routing key/topic template. */
export function renderTarget(template: string, event: BridgeEvent): string {
  return template.replace(/\{(channel|type|priority)\}/g, (_, name: 'channel' | 'type' | 'priority') => event[name]);
}

/** Turns a hub event into a broker message. */
export function mapOutbound(
  event: BridgeEvent,
  template: string,
  payload: EgressPayload,
  origin: string,
): OutboundMessage {
  let body: string;
  let contentType: OutboundMessage['contentType'] = 'application/json';
  if (payload === 'envelope') {
    const { id, timestamp, channel, type, priority, message, data } = event;
    body = JSON.stringify({ id, timestamp, channel, type, priority, message, data });
  } else if (payload === 'json') {
    body = JSON.stringify(event.data !== undefined ? event.data : (event.message ?? null));
  } else {
    body = event.message ?? JSON.stringify(event.data ?? null);
    contentType = 'text/plain; charset=utf-8';
  }
  return {
    target: renderTarget(template, event),
    body: utf8.encode(body),
    contentType,
    messageId: event.id,
    headers: {
      [HEADERS.eventId]: event.id,
      [HEADERS.channel]: event.channel,
      [HEADERS.type]: event.type,
      [HEADERS.priority]: event.priority,
      [HEADERS.timestamp]: event.timestamp,
      [HEADERS.origin]: origin,
    },
  };
}
