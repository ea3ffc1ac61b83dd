import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SessionLog } from './sessionLogs.js';

/**
 * The MCP `EventStore` of one session, on its {@link SessionLog}. Each session has its own log, so
 * one session can never replay another's events: an id from elsewhere is unknown and refused (400).
 * Event ids are `<stream-id>|<log-id>`, so the stream of an id is known without a lookup table.
 */
export class SessionEventStore implements EventStore {
  readonly #log: SessionLog;

  constructor(log: SessionLog) {
    this.#log = log;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    return `${encodeURIComponent(streamId)}|${await this.#log.append(streamId, JSON.stringify(message))}`;
  }

  /** The stream of an id this session's log issued; `undefined` (the SDK answers 400) for any other id. */
  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const parsed = split(eventId);
    if (!parsed || (await this.#log.after(parsed.id)) === undefined) return undefined;
    return parsed.stream;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parsed = split(lastEventId);
    const events = parsed && (await this.#log.after(parsed.id));
    if (!parsed || !events) throw new Error(`unknown event id ${JSON.stringify(lastEventId)}`);
    for (const event of events) {
      // Priming events are stored as {} so their ids resolve; they carry nothing to replay.
      if (event.streamId !== parsed.stream || event.data === '{}') continue;
      await send(`${encodeURIComponent(event.streamId)}|${event.id}`, JSON.parse(event.data) as JSONRPCMessage);
    }
    return parsed.stream;
  }
}

function split(eventId: string): { stream: string; id: string } | undefined {
  const bar = eventId.lastIndexOf('|');
  if (bar <= 0) return undefined;
  return { stream: decodeURIComponent(eventId.slice(0, bar)), id: eventId.slice(bar + 1) };
}
