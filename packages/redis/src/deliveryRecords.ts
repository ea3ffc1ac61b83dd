import type { Redis } from 'ioredis';

/** A connection a message was queued to: its id and, when authenticated, its subject. */
export interface DeliveryRecipient {
  connection: string;
  subject?: string | undefined;
}

/** One acknowledgement: who (connection, subject or both) and when (ISO-8601). */
export interface DeliveryAck {
  connection?: string | undefined;
  subject?: string | undefined;
  at: string;
}

/** A message's record across every instance that shares the store. */
export interface DeliveryRecord {
  id: string;
  reached: number;
  acknowledged: number;
  recipients: DeliveryRecipient[];
  acks: DeliveryAck[];
}

/** Options of {@link createRedisDeliveryRecords}. */
export interface RedisDeliveryRecordsOptions {
  /** Key prefix, e.g. the event stream's key: records live under `<prefix>:msg:{<id>}:*`. */
  prefix: string;
  /**
   * Messages kept (oldest forgotten first; checked every 16 writes, so up to 15 more for a while):
   * the event stream's `maxLen`, so a record lives as long as its event.
   */
  maxMessages: number;
  /** Distinct acknowledgers counted per message. @default 10000 */
  maxAcks?: number;
  /** Recipients and acknowledgements listed per message. @default 100 */
  maxListed?: number;
  /** A safety net for records the count bound never reaches (a deployment that stops publishing). @default 7 days */
  ttlSeconds?: number;
}

/** Delivery records in Redis, shared by every instance: who a message was queued to, who acknowledged it. */
export interface RedisDeliveryRecords {
  reached(id: string, count: number, recipients: readonly DeliveryRecipient[]): Promise<void>;
  /** Records an acknowledgement under `ackerKey` (the first one per acknowledger stays); nothing for an unknown message. */
  ack(id: string, ackerKey: string, ack: DeliveryAck): Promise<void>;
  status(id: string): Promise<DeliveryRecord | undefined>;
}

// KEYS: record hash, acks hash, acks list. ARGV: acker key, ack JSON, max acks, max listed, ttl.
const ACK_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[3], ARGV[2])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  return 1
end
return 0`;

const TRIM_EVERY = 16;

const msOf = (id: string) => Number(/^(\d+)/.exec(id)?.[1] ?? 0);

/**
 * Creates the records. Keys per message (one hash slot: `{<id>}`): `…:r` (hash: `reached`),
 * `…:to` (list of recipients, first `maxListed`), `…:ak` (hash: acknowledger → JSON) and `…:al`
 * (list of the first `maxListed` acknowledgements); `<prefix>:msgs` (sorted set by time) bounds
 * them to `maxMessages`.
 */
export function createRedisDeliveryRecords(redis: Redis, options: RedisDeliveryRecordsOptions): RedisDeliveryRecords {
  const { prefix, maxMessages } = options;
  const maxAcks = options.maxAcks ?? 10_000;
  const maxListed = options.maxListed ?? 100;
  const ttl = options.ttlSeconds ?? 7 * 24 * 3600;
  const index = `${prefix}:msgs`;
  // The count bound is checked every TRIM_EVERY writes (one round trip saved per event): approximate, like MAXLEN ~.
  let writes = 0;
  const keys = (id: string) => {
    const base = `${prefix}:msg:{${id}}`;
    return { r: `${base}:r`, to: `${base}:to`, ak: `${base}:ak`, al: `${base}:al` };
  };
  const trim = async () => {
    const over = (await redis.zcard(index)) - maxMessages;
    if (over <= 0) return;
    const old = (await redis.zpopmin(index, over)).filter((_, i) => i % 2 === 0);
    if (old.length > 0) await redis.del(...old.flatMap((id) => Object.values(keys(id))));
  };
  return {
    async reached(id, count, recipients) {
      const k = keys(id);
      const tx = redis.multi().hincrby(k.r, 'reached', count).expire(k.r, ttl);
      if (recipients.length > 0) {
        tx.rpush(k.to, ...recipients.map((r) => JSON.stringify(r)))
          .ltrim(k.to, 0, maxListed - 1)
          .expire(k.to, ttl);
      }
      tx.zadd(index, 'NX', msOf(id), id);
      await tx.exec();
      if (++writes % TRIM_EVERY === 0 || maxMessages < TRIM_EVERY) await trim();
    },
    async ack(id, ackerKey, ack) {
      const k = keys(id);
      await redis.eval(ACK_SCRIPT, 3, k.r, k.ak, k.al, ackerKey, JSON.stringify(ack), maxAcks, maxListed, ttl);
    },
    async status(id) {
      const k = keys(id);
      const replies = await redis
        .multi()
        .hget(k.r, 'reached')
        .lrange(k.to, 0, -1)
        .hlen(k.ak)
        .lrange(k.al, 0, -1)
        .exec();
      const [reached, to, acked, listed] = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      }) as [string | null, string[], number, string[]];
      if (reached === null) return undefined;
      return {
        id,
        reached: Number(reached),
        acknowledged: acked,
        recipients: to.map((s) => JSON.parse(s) as DeliveryRecipient),
        acks: listed.map((s) => JSON.parse(s) as DeliveryAck),
      };
    },
  };
}
