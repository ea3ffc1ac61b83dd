import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CHANNEL_PATTERN } from '../http/security/channelPatterns.js';
import { withDefault } from './optionSpec.js';

const patterns = z.array(
  z
    .string()
    .regex(CHANNEL_PATTERN, 'each channel pattern must be a channel name in which * stands for any run of characters'),
);

/** One bridge: the broker, its URL, ingest and/or egress (the `@ws/bridges` options), and what it may touch. */
export const BridgeConfigSchema = z.strictObject({
  kind: z.enum(['nats', 'amqp', 'mqtt'], { error: 'kind must be "nats", "amqp" or "mqtt"' }),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'name must be 1-64 letters, digits, "_" or "-"'),
  /** `nats://host:4222` (or `host:port`), `amqp://user:pass@host:5672`, `mqtt://host:1883`. */
  url: z.string().min(1, 'url must not be empty'),
  /** The ingest options of `@ws/bridges` for this broker (subjects / queue / topics, channel, payload, type, priority...). */
  ingest: z.looseObject({}).optional(),
  /** The egress options of `@ws/bridges` for this broker (subject / exchange / topic, channels, payload...). */
  egress: z.looseObject({}).optional(),
  /** The `ws-origin` shared by every instance on one event log (see the @ws/bridges README). */
  origin: z.string().min(1).optional(),
  /** Channel patterns ingest may publish on and egress may read. Default: every channel. */
  access: z
    .strictObject({ publish: patterns.default(['*']), subscribe: patterns.default(['*']) })
    .default({ publish: ['*'], subscribe: ['*'] }),
  /** Broker connection options passed through (credentials, TLS). */
  connection: z.looseObject({}).optional(),
});
export type BridgeConfig = z.infer<typeof BridgeConfigSchema>;

/** A flag or variable holds JSON, or `@<file>` naming a JSON file; the config file holds the array itself. */
function fromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
}

const bridgeList = z.preprocess(
  fromText,
  z
    .array(BridgeConfigSchema, { error: 'must be a JSON array of bridges ({kind, name, url, ingest, egress})' })
    .refine((list) => new Set(list.map((b) => b.name)).size === list.length, 'bridge names must be unique')
    .refine((list) => list.every((b) => b.ingest || b.egress), 'each bridge needs ingest, egress, or both'),
);

/** Message-queue bridges started and stopped with the server. */
export const BRIDGE_OPTIONS = {
  /**
   * Message-queue bridges (NATS JetStream, RabbitMQ, MQTT): a JSON array of `{kind, name, url,
   * ingest?, egress?, access?}`, in the config file, or as JSON or `@file.json` in the flag or the
   * environment. See the README's "Message-queue bridges". Default: none.
   */
  bridges: withDefault(bridgeList, [], {
    arg: 'json|@file',
    help: 'message-queue bridges: a JSON array of {kind, name, url, ingest, egress} or @file.json',
  }),
};
