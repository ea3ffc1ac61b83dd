import type { StreamMessage } from '@ws/events';
import { type GapReason, type HubEvent, parseStreamId } from '@ws/sse-core';
import { toStreamMessage } from './streamMessages.js';
import type { StreamService } from './streamService.js';

/** Most events one read of the event log scans when no position is given (the newest ones). */
export const EVENT_LOG_SCAN = 10_000;

/** What the event log holds after a position, oldest first. */
export interface EventLogPage {
  events: StreamMessage[];
  /** Set when the position could not be placed: `events` are then every retained event. */
  gap?: GapReason | undefined;
}

/** Whether `id` is shaped like an event-log id (`<ms>-<seq>`): the only ids worth asking the bus about. */
export const isEventLogId = (id: string): boolean => parseStreamId(id) !== undefined;

/** A stored event as a message; one another publisher stored as non-JSON becomes a message of its text. */
function messageOf(event: HubEvent): StreamMessage {
  try {
    return toStreamMessage(event);
  } catch {
    return {
      id: event.id,
      timestamp: new Date(event.timestamp).toISOString(),
      channel: event.channel,
      type: 'custom',
      priority: event.priority,
      message: event.text ?? event.data,
    } as StreamMessage;
  }
}

/**
 * Reads the stream's event log (the bus history: memory ring or Redis Stream, shared by every
 * instance on it): the events after `after`, or the newest `latest` (at most {@link EVENT_LOG_SCAN}).
 */
export async function readEventLog(
  service: StreamService,
  query: { after?: string | undefined; latest?: number | undefined },
): Promise<EventLogPage> {
  const { bus } = service.hub;
  if (query.after === undefined) {
    const latest = Math.min(EVENT_LOG_SCAN, Math.max(1, query.latest ?? EVENT_LOG_SCAN));
    return { events: (await bus.latest(latest)).map(messageOf) };
  }
  const { events, gap } = await bus.after(query.after);
  return { events: events.map(messageOf), ...(gap ? { gap } : {}) };
}
