import type { ParsedPushInput, StreamMessage } from '@ws/events';
import type { EventFormatter, HubEvent, PublishInput } from '@ws/sse-core';

/** Format names a `/stream` client can ask for. */
export type StreamFormat = 'text' | 'json';

/** A timestamp (ms since the epoch) as ISO-8601 UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What a push stores, built once: `data` is the message envelope minus `id` and `timestamp` (the
 * bus assigns them) as JSON, spliced from its pieces, each serialized once; `text` is what the
 * `text` format shows (the message, or the data's JSON), so no format parses `data` back.
 */
export function storedMessage(input: ParsedPushInput): PublishInput {
  const dataJson = input.data === undefined ? undefined : JSON.stringify(input.data);
  let body = `{"channel":${JSON.stringify(input.channel)},"type":${JSON.stringify(input.type)},"priority":${JSON.stringify(input.priority)}`;
  if (input.message !== undefined) body += `,"message":${JSON.stringify(input.message)}`;
  if (dataJson !== undefined) body += `,"data":${dataJson}`;
  return {
    data: `${body}}`,
    text: input.message ?? dataJson,
    channel: input.channel,
    type: input.type,
    // The core has two levels: high is never dropped and goes first; low and normal are droppable.
    priority: input.priority === 'high' ? 'high' : 'normal',
  };
}

/** The `/stream` formats: the seed's `[<ISO-8601 UTC>] <text>` line, and the full JSON envelope. */
export const STREAM_FORMATS: Record<StreamFormat, EventFormatter> = {
  // `text` was stored with the event; `data` stands in only for an event another publisher stored without it.
  text: (e) => ({ data: `[${iso(e.timestamp)}] ${e.text ?? e.data}` }),
  // Spliced: the stored body is our own JSON object, so `id` and `timestamp` go in front of its fields.
  json: (e) => ({ data: envelopeJson(e) }),
};

/** The stored body with `id` and `timestamp` spliced in front of its fields (our own JSON object: nothing is parsed). */
function envelopeJson(e: HubEvent): string {
  return `{"id":${JSON.stringify(e.id)},"timestamp":"${iso(e.timestamp)}",${e.data.slice(1)}`;
}

/** Name of the hub format of `/ws` sockets (not a `/stream` format). */
export const WS_FORMAT = 'ws';

/**
 * Every format of the hub: the `/stream` ones, and `ws`: the `event` message of the WebSocket
 * protocol around the `json` envelope, built once per event for every socket (`http/ws/` sends
 * the frame's data line as the WebSocket message).
 */
export const HUB_FORMATS: Record<StreamFormat | typeof WS_FORMAT, EventFormatter> = {
  ...STREAM_FORMATS,
  [WS_FORMAT]: (e) => ({ data: `{"kind":"event","message":${envelopeJson(e)}}` }),
};

/** Turns a stored event back into a {@link StreamMessage} (for the history API: parsed there, never on the stream). */
export function toStreamMessage(event: HubEvent): StreamMessage {
  return {
    id: event.id,
    timestamp: iso(event.timestamp),
    ...(JSON.parse(event.data) as Omit<StreamMessage, 'id' | 'timestamp'>),
  };
}
