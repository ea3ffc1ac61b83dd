import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Events one MCP session keeps for resumption (`--mcp-session-events`). */
export const DEFAULT_SESSION_EVENTS = 1000;
/** Bytes one MCP session keeps for resumption (in-memory log; the oldest go first past it). */
export const DEFAULT_SESSION_EVENT_BYTES = 1024 * 1024;
/** How long a session's log and handshake live in Redis after its last event. */
export const DEFAULT_SESSION_TTL_MS = 60 * 60_000;

/**
 * Where one stream of a session stands: the log's epoch (random, per log, so ids of another
 * session or of a reset log are recognisably foreign) and how many events the stream has had.
 */
export interface LogPosition {
  epoch: string;
  seq: number;
}

/** One retained event of a stream. */
export interface LoggedEvent {
  seq: number;
  data: string;
}

/** What a log can replay after a position of one of its streams. */
export interface LogReplay {
  /** The stream's retained events after the position, oldest first. */
  events: LoggedEvent[];
  /** The stream's events after the position that are no longer kept; `undefined` when the log cannot tell. */
  missed: number | undefined;
}

/**
 * The resumption log of one session: one bounded list of events for all its streams, each stream
 * numbering its events 1, 2, 3... so a resume can say exactly how many of that stream's events
 * were dropped. The newest `maxEvents` events are kept; so are the counts of the `maxEvents`
 * most recently used streams (a stream forgotten past that is known only by its retained events).
 */
export interface SessionLog {
  /** Appends an event to a stream; its position. */
  append(streamId: string, data: string): Promise<LogPosition>;
  /** The stream's position without appending (for priming events, which carry nothing). */
  mark(streamId: string): Promise<LogPosition>;
  /** The stream's events after `position`; `undefined` when this log never issued that position. */
  after(streamId: string, position: LogPosition): Promise<LogReplay | undefined>;
}

/** Options of {@link SessionLogs.open}. */
export interface SessionLogOptions {
  /** Events kept. Default: the `maxEvents` the logs were created with. */
  maxEvents?: number;
}

/** Where sessions keep their logs, and (when shared between instances) their handshakes. */
export interface SessionLogs {
  open(sessionId: string, options?: SessionLogOptions): SessionLog;
  /** Whether another instance can take a session over (the logs are shared). */
  readonly shared: boolean;
  saveHandshake(sessionId: string, initialize: unknown): Promise<void>;
  loadHandshake(sessionId: string): Promise<unknown | undefined>;
  drop(sessionId: string): Promise<void>;
}

const newEpoch = () => randomBytes(4).toString('hex');

/** What a log remembers of a stream: the seq it started at (its priming position) and its newest seq. */
interface StreamCount {
  base: number;
  count: number;
}

/**
 * The replay after `seq` from a stream's retained events (oldest first) and what the log remembers
 * of it (`undefined` once forgotten); `undefined` when `seq` was never issued on that stream.
 */
function replayFrom(retained: LoggedEvent[], known: StreamCount | undefined, seq: number): LogReplay | undefined {
  if (!Number.isSafeInteger(seq)) return undefined;
  const events = retained.filter((e) => e.seq > seq);
  if (known) {
    if (seq < known.base || seq > known.count) return undefined;
    return { events, missed: known.count - seq - events.length };
  }
  const newest = retained.at(-1)?.seq;
  if (newest === undefined || seq > newest) return undefined;
  // Eviction is oldest first, so what is retained of a stream is a contiguous tail of it.
  return { events, missed: events.length > 0 ? (events[0] as LoggedEvent).seq - seq - 1 : 0 };
}

/** Per-session logs in this process: `maxEvents` events and `maxBytes` bytes (approximate) per session. */
export function memorySessionLogs(options: { maxEvents?: number; maxBytes?: number } = {}): SessionLogs {
  return {
    shared: false,
    open: (_sessionId, open = {}) =>
      memoryLog(
        Math.max(open.maxEvents ?? options.maxEvents ?? DEFAULT_SESSION_EVENTS, 1),
        options.maxBytes ?? DEFAULT_SESSION_EVENT_BYTES,
      ),
    saveHandshake: async () => undefined,
    loadHandshake: async () => undefined,
    drop: async () => undefined,
  };
}

type Stored = { stream: string; seq: number; data: string };

function memoryLog(maxEvents: number, maxBytes: number): SessionLog {
  const epoch = newEpoch();
  const ring: (Stored | undefined)[] = [];
  let head = 0;
  let bytes = 0;
  // Every touch advances the tick; a new (or forgotten) stream starts at it, so its seqs are
  // above any seq issued before on any stream: ids never repeat, even for a forgotten stream.
  let tick = 0;
  // Insertion order is recency: a touched stream moves to the end; the first is the least recent.
  const streams = new Map<string, StreamCount>();
  const touch = (stream: string): StreamCount => {
    const known = streams.get(stream) ?? { base: tick, count: tick };
    tick++;
    streams.delete(stream);
    streams.set(stream, known);
    if (streams.size > maxEvents) streams.delete(streams.keys().next().value as string);
    return known;
  };
  const size = (e: Stored) => e.stream.length + e.data.length + 64;
  return {
    async append(stream, data) {
      const known = touch(stream);
      const event = { stream, seq: ++known.count, data };
      ring.push(event);
      bytes += size(event);
      while (ring.length - head > 1 && (ring.length - head > maxEvents || bytes > maxBytes)) {
        bytes -= size(ring[head] as Stored);
        ring[head++] = undefined;
      }
      if (head > 1024 && head * 2 > ring.length) {
        ring.splice(0, head);
        head = 0;
      }
      return { epoch, seq: event.seq };
    },
    async mark(stream) {
      return { epoch, seq: touch(stream).count };
    },
    async after(stream, position) {
      if (position.epoch !== epoch) return undefined;
      const retained: LoggedEvent[] = [];
      for (let i = head; i < ring.length; i++) {
        const e = ring[i];
        if (e?.stream === stream) retained.push({ seq: e.seq, data: e.data });
      }
      const known = streams.get(stream);
      return replayFrom(retained, known && { ...known }, position.seq);
    },
  };
}

// Appends (or marks) atomically, as the memory log does: the tick, the stream's base and count,
// the event (the Redis stream trimmed to exactly maxEvents), the stream's recency (forgetting the
// least recent stream past maxEvents) and the expiry of every key of the session. The epoch is
// set once, by the first writer.
const APPEND_SCRIPT = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
local tick = redis.call('HINCRBY', KEYS[2], 'tick', 1) - 1
local cf = 'c:' .. ARGV[1]
local count = redis.call('HGET', KEYS[2], cf)
if count then
  count = tonumber(count)
else
  count = tick
  redis.call('HSET', KEYS[2], 'b:' .. ARGV[1], tick)
end
if ARGV[6] == '1' then
  count = count + 1
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '*', 's', ARGV[1], 'n', count, 'd', ARGV[2])
end
redis.call('HSET', KEYS[2], cf, count)
redis.call('ZADD', KEYS[3], tick, ARGV[1])
if redis.call('ZCARD', KEYS[3]) > tonumber(ARGV[3]) then
  local oldest = redis.call('ZPOPMIN', KEYS[3])
  redis.call('HDEL', KEYS[2], 'c:' .. oldest[1], 'b:' .. oldest[1])
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return {epoch, count}
`;

/**
 * Per-session logs in Redis (one stream per session trimmed to exactly `maxEvents`, the stream
 * counts and epoch in a hash, expiring `ttlMs` after the last event), plus the session's
 * initialize request, so any instance can take the session over.
 */
export function redisSessionLogs(
  redis: Redis,
  options: { prefix: string; maxEvents?: number; ttlMs?: number },
): SessionLogs {
  const ttl = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const key = (sid: string, what: 'events' | 'meta' | 'streams' | 'init') => `${options.prefix}:mcp:${sid}:${what}`;
  type Entry = [string, string[]];
  const field = (f: string[], name: string) => f[f.indexOf(name) + 1] as string;
  return {
    shared: true,
    open(sessionId, open = {}) {
      const maxEvents = Math.max(open.maxEvents ?? options.maxEvents ?? DEFAULT_SESSION_EVENTS, 1);
      const keys = [
        key(sessionId, 'events'),
        key(sessionId, 'meta'),
        key(sessionId, 'streams'),
        key(sessionId, 'init'),
      ];
      const write = async (stream: string, data: string, append: boolean): Promise<LogPosition> => {
        const [epoch, seq] = (await redis.eval(
          APPEND_SCRIPT,
          keys.length,
          ...keys,
          stream,
          data,
          maxEvents,
          ttl,
          newEpoch(),
          append ? '1' : '0',
        )) as [string, number];
        return { epoch, seq: Number(seq) };
      };
      return {
        append: (stream, data) => write(stream, data, true),
        mark: (stream) => write(stream, '', false),
        async after(stream, position) {
          const res = await redis
            .multi()
            .hmget(keys[1] as string, 'epoch', `b:${stream}`, `c:${stream}`)
            .xrevrange(keys[0] as string, '+', '-', 'COUNT', maxEvents)
            .exec();
          if (!res) throw new Error('Redis transaction aborted');
          for (const [error] of res) if (error) throw error;
          const [hash, entries] = res.map(([, value]) => value) as [(string | null)[], Entry[]];
          const [epoch, base, count] = hash;
          if (epoch !== position.epoch) return undefined;
          const retained = entries
            .filter(([, f]) => field(f, 's') === stream)
            .map(([, f]) => ({ seq: Number(field(f, 'n')), data: field(f, 'd') }))
            .reverse();
          const known = base != null && count != null ? { base: Number(base), count: Number(count) } : undefined;
          return replayFrom(retained, known, position.seq);
        },
      };
    },
    async saveHandshake(sessionId, initialize) {
      await redis.set(key(sessionId, 'init'), JSON.stringify(initialize), 'PX', ttl);
    },
    async loadHandshake(sessionId) {
      const raw = await redis.get(key(sessionId, 'init'));
      return raw === null ? undefined : (JSON.parse(raw) as unknown);
    },
    async drop(sessionId) {
      await redis.del(
        key(sessionId, 'events'),
        key(sessionId, 'meta'),
        key(sessionId, 'streams'),
        key(sessionId, 'init'),
      );
    },
  };
}
