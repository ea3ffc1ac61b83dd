import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Recipient } from '@ws/events';
import type { Connection } from '@ws/sse-core';

/** What a connection is told about itself (the `identity` event): its id, subject, and the key its acks carry. */
export interface ConnectionIdentity extends Recipient {
  /** Proves the connection on `POST /api/ack` (HMAC of its id): only the client holding the stream knows it. */
  ackKey: string;
}

/** The identities of this instance's connections, and which of them an event is queued to. */
export interface ConnectionIdentities {
  /** This instance's id, the prefix of its connection ids. */
  readonly instance: string;
  /** Registers a connection (until it closes) under the JWT subject it authenticated with, if any. */
  register(connection: Connection, subject?: string | undefined): ConnectionIdentity;
  /** Connections whose filters take an event of `channel` and `type`, at most `limit`. */
  recipientsOf(channel: string, type: string, limit: number): Recipient[];
  /** Whether `key` is the ack key of connection `id` (of any instance sharing the secret). */
  verify(id: string, key: string): boolean;
  /** The subject of a connection of this instance. */
  subjectOf(id: string): string | undefined;
}

/**
 * Creates the registry. `secret` keys the ack keys: instances that share it (the server derives it
 * from `--token` or `--jwt-secret`) verify each other's connections' acks; without one it is random
 * per instance, and an ack must reach the instance holding the connection.
 */
export function createConnectionIdentities(secret: string | undefined): ConnectionIdentities {
  const instance = randomBytes(5).toString('hex');
  const key = secret ?? randomBytes(32).toString('hex');
  const sign = (id: string) => createHmac('sha256', `webstream-ack:${key}`).update(id).digest('base64url').slice(0, 32);
  const open = new Map<number, { connection: Connection; recipient: Recipient }>();
  const forget = (_reason: unknown, connection: Connection) => open.delete(connection.id);
  return {
    instance,
    register(connection, subject) {
      const id = `${instance}.${connection.id}`;
      const recipient: Recipient = subject === undefined ? { connection: id } : { connection: id, subject };
      open.set(connection.id, { connection, recipient });
      connection.onClose(forget);
      return { ...recipient, ackKey: sign(id) };
    },
    recipientsOf(channel, type, limit) {
      const out: Recipient[] = [];
      for (const { connection: c, recipient } of open.values()) {
        if (out.length >= limit) break;
        if ((c.channels === null || c.channels.has(channel)) && (c.types === null || c.types.has(type))) {
          out.push(recipient);
        }
      }
      return out;
    },
    verify(id, given) {
      const expected = Buffer.from(sign(id));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    subjectOf(id) {
      const [inst, n] = id.split('.');
      return inst === instance ? open.get(Number(n))?.recipient.subject : undefined;
    },
  };
}
