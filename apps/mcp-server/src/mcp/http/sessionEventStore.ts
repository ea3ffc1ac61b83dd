import type { EventStore, JSONRPCMessage, JSONRPCNotification } from '@modelcontextprotocol/server';
import { SESSION_GAP_METHOD, type SessionGap } from '@ws/events';
import type { LogPosition, SessionLog } from './sessionEventLogs.js';

/** Options of {@link SessionEventStore}. */
export interface SessionEventStoreOptions {
  /** Events the session's log keeps, for the gap message. Default 1000. */
  capacity?: number;
  /** Resources a client should re-read after a gap. Default none. */
  resources?: readonly string[];
}

/**
 * The MCP `EventStore` of one session, on its {@link SessionLog}. Each session has its own log
 * (with its own random epoch in every id), so one session can never replay another's events: an id
 * from elsewhere is unknown and refused (400). Ids are `<stream>|<epoch>.<seq>`, seq counting the
 * events of that stream, so a resume knows its stream and exactly how many of its events were
 * dropped; those are announced by a {@link SESSION_GAP_METHOD} notification (no id, so a
 * client that drops again resumes from the same point) before the retained ones are replayed.
 */
export class SessionEventStore implements EventStore {
  readonly #log: SessionLog;
  readonly #capacity: number;
  readonly #resources: string[];
  readonly #resuming = new Map<string, Resume>();

  constructor(log: SessionLog, options: SessionEventStoreOptions = {}) {
    this.#log = log;
    this.#capacity = options.capacity ?? 1000;
    this.#resources = [...(options.resources ?? [])];
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    // Priming events ({}) carry nothing: they name the stream's current position without an entry.
    if (Object.keys(message).length === 0) return formatId(streamId, await this.#log.mark(streamId));
    const position = await this.#log.append(streamId, JSON.stringify(message));
    const id = formatId(streamId, position);
    this.#resuming.get(streamId)?.stored(position.seq, id, message);
    return id;
  }

  /** The stream of an id this session's log issued; `undefined` (the SDK answers 400) for any other id. */
  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const parsed = parseId(eventId);
    if (!parsed || !(await this.#log.after(parsed.stream, parsed.position))) return undefined;
    return parsed.stream;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parsed = parseId(lastEventId);
    if (!parsed) throw new Error(`unknown event id ${JSON.stringify(lastEventId)}`);
    const { stream, position } = parsed;
    // Registered before the log is read: an event stored while the replay runs, before the SDK
    // connects this stream for live writes, would otherwise reach neither (see Resume).
    const resume = new Resume(send, position.seq, this.#capacity);
    this.#resuming.set(stream, resume);
    try {
      const replay = await this.#log.after(stream, position);
      if (!replay) throw new Error(`unknown event id ${JSON.stringify(lastEventId)}`);
      if (replay.missed !== 0)
        await send('', this.#gap(lastEventId, stream, position, replay.missed, replay.events.length));
      for (const event of replay.events)
        await resume.replayed(
          event.seq,
          formatId(stream, { epoch: position.epoch, seq: event.seq }),
          JSON.parse(event.data) as JSONRPCMessage,
        );
      await resume.caughtUp((dropped) => send('', this.#duringGap(lastEventId, stream, position.epoch, dropped)));
    } finally {
      // The SDK registers the stream right after this returns (microtasks); from the next macrotask
      // on, its own live writes reach the client, and this forwarding stops.
      setImmediate(() => {
        if (this.#resuming.get(stream) === resume) this.#resuming.delete(stream);
      });
    }
    return stream;
  }

  #gap(
    lastEventId: string,
    stream: string,
    { epoch, seq }: LogPosition,
    missed: number | undefined,
    retained: number,
  ): JSONRPCNotification {
    const what = missed === undefined ? 'Some events' : `${missed} event${missed === 1 ? '' : 's'}`;
    const reread = this.#resources.length > 0 ? ` Re-read ${this.#resources.join(', ')} for the current state.` : '';
    const params: SessionGap = {
      reason: 'expired',
      lastEventId,
      missed: missed ?? null,
      firstMissedId: formatId(stream, { epoch, seq: seq + 1 }),
      lastMissedId: missed === undefined ? null : formatId(stream, { epoch, seq: seq + missed }),
      retained,
      capacity: this.#capacity,
      resources: this.#resources,
      message: `${what} after ${lastEventId} ${missed === 1 ? 'is' : 'are'} no longer kept (this session keeps its last ${this.#capacity}, --mcp-session-events); the ${retained} retained follow.${reread}`,
    };
    return { jsonrpc: '2.0', method: SESSION_GAP_METHOD, params: { ...params } };
  }

  /** The gap of events that arrived faster during one resume than {@link Resume} holds. */
  #duringGap(
    lastEventId: string,
    stream: string,
    epoch: string,
    { missed, firstSeq, lastSeq }: Dropped,
  ): JSONRPCNotification {
    const params: SessionGap = {
      reason: 'expired',
      lastEventId,
      missed,
      firstMissedId: formatId(stream, { epoch, seq: firstSeq }),
      lastMissedId: formatId(stream, { epoch, seq: lastSeq }),
      retained: 0,
      capacity: this.#capacity,
      resources: this.#resources,
      message: `${missed} event(s) arrived while this stream was resuming, more than it holds (${this.#capacity}); resume after ${lastEventId} again, or re-read ${this.#resources.join(', ') || 'the resources'}.`,
    };
    return { jsonrpc: '2.0', method: SESSION_GAP_METHOD, params: { ...params } };
  }
}

type Send = (eventId: string, message: JSONRPCMessage) => Promise<void>;
/** Events held during a resume that had to be dropped (their seq range). */
type Dropped = { missed: number; firstSeq: number; lastSeq: number };

/**
 * One resume of one stream. Events stored while its replay is written are held (at most
 * `capacity`, oldest dropped and announced) and written after it, in order, once; from then until
 * the SDK connects the stream they are written as they are stored. Written ids reach the SDK's
 * `replayedEventIds` through `send`, so its own live write of the same event is skipped.
 */
class Resume {
  readonly #send: Send;
  readonly #capacity: number;
  #lastSeq: number;
  #held: { seq: number; id: string; message: JSONRPCMessage }[] | undefined = [];
  #dropped: Dropped | undefined;

  constructor(send: Send, afterSeq: number, capacity: number) {
    this.#send = send;
    this.#lastSeq = afterSeq;
    this.#capacity = capacity;
  }

  async replayed(seq: number, id: string, message: JSONRPCMessage): Promise<void> {
    if (seq <= this.#lastSeq) return;
    this.#lastSeq = seq;
    await this.#send(id, message);
  }

  stored(seq: number, id: string, message: JSONRPCMessage): void {
    if (this.#held === undefined) {
      if (seq > this.#lastSeq) {
        this.#lastSeq = seq;
        this.#send(id, message).catch(() => undefined); // a failed write closes the stream itself
      }
      return;
    }
    this.#held.push({ seq, id, message });
    if (this.#held.length > this.#capacity) {
      const oldest = this.#held.shift() as { seq: number };
      this.#dropped = {
        missed: (this.#dropped?.missed ?? 0) + 1,
        firstSeq: this.#dropped?.firstSeq ?? oldest.seq,
        lastSeq: oldest.seq,
      };
    }
  }

  /** Announces what had to be dropped meanwhile (it came before what is held), then writes what was held. */
  async caughtUp(announce: (dropped: Dropped) => Promise<void>): Promise<void> {
    const held = this.#held ?? [];
    this.#held = undefined;
    if (this.#dropped) await announce(this.#dropped);
    for (const { seq, id, message } of held) await this.replayed(seq, id, message);
  }
}

const formatId = (stream: string, { epoch, seq }: LogPosition) => `${encodeURIComponent(stream)}|${epoch}.${seq}`;

function parseId(eventId: string): { stream: string; position: LogPosition } | undefined {
  const match = /^([^|]+)\|([0-9a-f]{1,32})\.(\d{1,15})$/.exec(eventId);
  if (!match) return undefined;
  try {
    return {
      stream: decodeURIComponent(match[1] as string),
      position: { epoch: match[2] as string, seq: Number(match[3]) },
    };
  } catch {
    return undefined; // a malformed %-escape
  }
}
