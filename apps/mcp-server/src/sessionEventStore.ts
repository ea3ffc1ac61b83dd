import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { type Bus, createMemoryBus } from '@ws/sse-core';

/** Events one MCP session keeps for resumption. */
export const DEFAULT_SESSION_EVENTS = 1000;
/** Bytes one MCP session keeps for resumption. */
export const DEFAULT_SESSION_EVENT_BYTES = 1024 * 1024;

/**
 * The MCP `EventStore` of one session, on sse-core's bounded history. Each session has its own
 * store, so one session can never replay another's events: an id from elsewhere is simply unknown.
 * Event ids are `<stream-id>|<history-id>`, so the stream of an id is known without a lookup table.
 */
export class SessionEventStore implements EventStore {
  readonly #bus: Bus;

  constructor(options: { maxEvents?: number; maxBytes?: number } = {}) {
    this.#bus = createMemoryBus({
      maxEvents: options.maxEvents ?? DEFAULT_SESSION_EVENTS,
      maxBytes: options.maxBytes ?? DEFAULT_SESSION_EVENT_BYTES,
    });
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const stored = await this.#bus.publish({ channel: encodeURIComponent(streamId), data: JSON.stringify(message) });
    return `${encodeURIComponent(streamId)}|${stored.id}`;
  }

  /** The stream of an id this store issued; `undefined` (the SDK answers 400) for any other id. */
  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const parsed = split(eventId);
    if (!parsed) return undefined;
    const { gap } = await this.#bus.after(parsed.id);
    return gap === 'unknown' ? undefined : decodeURIComponent(parsed.stream);
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parsed = split(lastEventId);
    if (!parsed) throw new Error(`unknown event id ${JSON.stringify(lastEventId)}`);
    const { events } = await this.#bus.after(parsed.id);
    for (const event of events) {
      if (event.channel !== parsed.stream) continue;
      // Priming events are stored as {} so their ids resolve; they carry nothing to replay.
      if (event.data === '{}') continue;
      await send(`${event.channel}|${event.id}`, JSON.parse(event.data) as JSONRPCMessage);
    }
    return decodeURIComponent(parsed.stream);
  }
}

function split(eventId: string): { stream: string; id: string } | undefined {
  const bar = eventId.lastIndexOf('|');
  if (bar <= 0) return undefined;
  return { stream: eventId.slice(0, bar), id: eventId.slice(bar + 1) };
}
