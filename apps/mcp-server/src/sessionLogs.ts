import { createMemoryBus } from '@ws/sse-core';
import type { Redis } from 'ioredis';

/** Events one MCP session keeps for resumption. */
export const DEFAULT_SESSION_EVENTS = 1000;
/** Bytes one MCP session keeps for resumption (in-memory log). */
export const DEFAULT_SESSION_EVENT_BYTES = 1024 * 1024;
/** How long a session's log and handshake live in Redis after its last event. */
export const DEFAULT_SESSION_TTL_MS = 60 * 60_000;

/** One logged event of a session. */
export interface LoggedEvent {
  id: string;
  streamId: string;
  data: string;
}

/** The resumption log of one session. Ids are opaque and ordered. */
export interface SessionLog {
  append(streamId: string, data: string): Promise<string>;
  /** The events after `id`, oldest first; `undefined` when this log never issued `id`. */
  after(id: string): Promise<LoggedEvent[] | undefined>;
}

/** Where sessions keep their logs, and (when shared between instances) their handshakes. */
export interface SessionLogs {
  open(sessionId: string): SessionLog;
  /** Whether another instance can take a session over (the logs are shared). */
  readonly shared: boolean;
  saveHandshake(sessionId: string, initialize: unknown): Promise<void>;
  loadHandshake(sessionId: string): Promise<unknown | undefined>;
  drop(sessionId: string): Promise<void>;
}

/** Per-session logs in this process, on sse-core's bounded memory bus. */
export function memorySessionLogs(options: { maxEvents?: number; maxBytes?: number } = {}): SessionLogs {
  return {
    shared: false,
    open() {
      const bus = createMemoryBus({
        maxEvents: options.maxEvents ?? DEFAULT_SESSION_EVENTS,
        maxBytes: options.maxBytes ?? DEFAULT_SESSION_EVENT_BYTES,
      });
      return {
        append: async (streamId, data) => (await bus.publish({ channel: encodeURIComponent(streamId), data })).id,
        async after(id) {
          const { events, gap } = await bus.after(id);
          if (gap === 'unknown') return undefined;
          return events.map((e) => ({ id: e.id, streamId: decodeURIComponent(e.channel), data: e.data }));
        },
      };
    },
    saveHandshake: async () => undefined,
    loadHandshake: async () => undefined,
    drop: async () => undefined,
  };
}

/**
 * Per-session logs in Redis (one stream per session, trimmed to `maxEvents`, expiring `ttlMs` after
 * the last event), plus the session's initialize request, so any instance can take the session over.
 */
export function redisSessionLogs(
  redis: Redis,
  options: { prefix: string; maxEvents?: number; ttlMs?: number },
): SessionLogs {
  const maxEvents = options.maxEvents ?? DEFAULT_SESSION_EVENTS;
  const ttl = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const eventsKey = (sid: string) => `${options.prefix}:mcp:${sid}:events`;
  const initKey = (sid: string) => `${options.prefix}:mcp:${sid}:init`;
  type Entry = [string, string[]];
  return {
    shared: true,
    open(sessionId) {
      const key = eventsKey(sessionId);
      return {
        async append(streamId, data) {
          const res = await redis
            .multi()
            .xadd(key, 'MAXLEN', '~', maxEvents, '*', 's', streamId, 'd', data)
            .pexpire(key, ttl)
            .pexpire(initKey(sessionId), ttl)
            .exec();
          const [error, id] = res?.[0] ?? [new Error('no reply')];
          if (error) throw error;
          return id as string;
        },
        async after(id) {
          if (!/^\d+-\d+$/.test(id)) return undefined;
          const exact = (await redis.xrange(key, id, id)) as Entry[];
          if (exact.length === 0) return undefined;
          const entries = (await redis.xrange(key, `(${id}`, '+', 'COUNT', maxEvents)) as Entry[];
          return entries.map(([eid, f]) => ({
            id: eid,
            streamId: f[f.indexOf('s') + 1] as string,
            data: f[f.indexOf('d') + 1] as string,
          }));
        },
      };
    },
    async saveHandshake(sessionId, initialize) {
      await redis.set(initKey(sessionId), JSON.stringify(initialize), 'PX', ttl);
    },
    async loadHandshake(sessionId) {
      const raw = await redis.get(initKey(sessionId));
      return raw === null ? undefined : (JSON.parse(raw) as unknown);
    },
    async drop(sessionId) {
      await redis.del(eventsKey(sessionId), initKey(sessionId));
    },
  };
}
