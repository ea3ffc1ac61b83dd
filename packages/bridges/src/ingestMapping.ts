import type { BridgePriority, BridgePublishInput } from './hub.js';

/**
 * How a broker payload becomes a message:
 * - `envelope`: a JSON object with any of `message`, `data`, `type`, `priority` (and `id`,
 *   `timestamp`, `channel`, which are ignored, so egress envelopes round-trip); other keys are refused;
 * - `json`: any JSON value; it becomes `data`;
 * - `text`: UTF-8 text; it becomes `message`;
 * - `auto`: `envelope` when the payload is an object with `message` or `data` and only the keys
 *   above, else `json` when it parses as JSON, else `text`.
 */
export type IngestPayload = 'auto' | 'envelope' | 'json' | 'text';

/**
 * Where a value (type, priority, message id) comes from: a fixed string, or the first of a header
 * (AMQP header, NATS header, MQTT 5 user property; names compared case-insensitively) and a field
 * of a JSON object payload that is present, else `default`.
 */
export type ValueSource =
  | string
  | { header?: string | undefined; field?: string | undefined; default?: string | undefined };

/** Options shared by every ingest mapping. */
export interface IngestMapping {
  /**
   * Channel of the stored message. `{subject}` is the whole subject/routing key/topic (`/` becomes
   * `.`, any other character a channel may not hold becomes `_`); `{1}`…`{9}` are its tokens
   * (split on `.`, or `/` for MQTT). The result must be a valid channel, else the message is refused.
   * @default '{subject}'
   */
  channel?: string | undefined;
  /** @default 'auto' */
  payload?: IngestPayload | undefined;
  /** @default header `ws-type`, else an envelope's `type`, else `info` */
  type?: ValueSource | undefined;
  /** @default header `ws-priority`, else an envelope's `priority`, else `normal` */
  priority?: ValueSource | undefined;
  /**
   * The message id that becomes the idempotency key. @default the broker's own id (NATS
   * `Nats-Msg-Id`, AMQP `messageId`, MQTT user property `message-id`), else (JetStream) the
   * stream sequence.
   */
  messageId?: { header?: string | undefined; field?: string | undefined } | undefined;
}

/** A broker message, as every adapter hands it to the ingest core. */
export interface InboundMessage {
  /** Subject, routing key or topic. */
  readonly source: string;
  /** Token separator of `source`: `.` (NATS, AMQP) or `/` (MQTT). */
  readonly separator: '.' | '/';
  /** Headers / user properties, names lower-cased, first value only. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The broker's own message id, if the message has one. */
  readonly nativeId?: string | undefined;
  /** A stable identity when there is no id (JetStream `<stream>:<seq>`). */
  readonly fallbackId?: string | undefined;
}

/** The mapped message, or why it cannot be one. */
export type MappedMessage =
  | { ok: true; input: BridgePublishInput; messageId: string | undefined }
  | { ok: false; reason: string };

const ENVELOPE_KEYS = new Set(['message', 'data', 'type', 'priority', 'id', 'timestamp', 'channel']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Turns a broker message into publish input (see {@link IngestMapping}). */
export function mapInbound(msg: InboundMessage, mapping: IngestMapping): MappedMessage {
  const channel = renderChannel(mapping.channel ?? '{subject}', msg.source, msg.separator);
  if (!channel.ok) return channel;
  let text: string;
  try {
    text = utf8.decode(msg.body);
  } catch {
    return { ok: false, reason: 'payload is not valid UTF-8' };
  }
  const body = decodeBody(text, mapping.payload ?? 'auto');
  if (!body.ok) return body;
  const object = isPlainObject(body.json) ? body.json : undefined;
  // An envelope's own type and priority rank after the header and before the default.
  const envelopeType = body.envelope ? stringField(object, 'type') : undefined;
  const envelopePriority = body.envelope ? stringField(object, 'priority') : undefined;
  const type = pick(mapping.type ?? { header: 'ws-type', default: envelopeType ?? 'info' }, msg.headers, object);
  const priority = pick(
    mapping.priority ?? { header: 'ws-priority', default: envelopePriority ?? 'normal' },
    msg.headers,
    object,
  );
  const id = mapping.messageId;
  const messageId =
    (id?.header !== undefined ? msg.headers[id.header.toLowerCase()] : undefined) ??
    (id?.field !== undefined ? stringField(object, id.field) : undefined) ??
    msg.nativeId ??
    msg.fallbackId;
  const input: BridgePublishInput = { channel: channel.value, ...body.fields };
  if (type !== undefined) input.type = type;
  if (priority !== undefined) input.priority = priority as BridgePriority;
  return { ok: true, input, messageId: messageId || undefined };
}

type Decoded =
  | { ok: true; fields: Pick<BridgePublishInput, 'message' | 'data'>; json: unknown; envelope?: boolean }
  | { ok: false; reason: string };

function decodeBody(text: string, format: IngestPayload): Decoded {
  if (format === 'text') return { ok: true, fields: { message: text }, json: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (format === 'auto') return { ok: true, fields: { message: text }, json: undefined };
    return { ok: false, reason: `payload is not JSON (payload: ${format})` };
  }
  const envelope =
    isPlainObject(json) &&
    ('message' in json || 'data' in json) &&
    Object.keys(json).every((k) => ENVELOPE_KEYS.has(k));
  if (format === 'json' || (format === 'auto' && !envelope)) return { ok: true, fields: { data: json }, json };
  if (!isPlainObject(json)) return { ok: false, reason: 'envelope payload must be a JSON object' };
  const unknown = Object.keys(json).filter((k) => !ENVELOPE_KEYS.has(k));
  if (unknown.length > 0) {
    return {
      ok: false,
      reason: `envelope has unknown field(s) ${unknown.join(', ')}; allowed: message, data, type, priority`,
    };
  }
  if (json.message !== undefined && typeof json.message !== 'string') {
    return { ok: false, reason: 'envelope field message must be a string' };
  }
  const fields: Pick<BridgePublishInput, 'message' | 'data'> = {};
  if (json.message !== undefined) fields.message = json.message as string;
  if (json.data !== undefined) fields.data = json.data;
  return { ok: true, fields, json, envelope: true };
}

function pick(
  source: ValueSource,
  headers: Readonly<Record<string, string>>,
  object: Record<string, unknown> | undefined,
) {
  if (typeof source === 'string') return source;
  return (
    (source.header !== undefined ? headers[source.header.toLowerCase()] : undefined) ??
    (source.field !== undefined ? stringField(object, source.field) : undefined) ??
    source.default
  );
}

function stringField(object: Record<string, unknown> | undefined, field: string): string | undefined {
  const value = object?.[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TOKEN = /\{(subject|[1-9])\}/g;

/** Renders a channel template for a subject; refuses results that are not valid channel names. */
export function renderChannel(
  template: string,
  source: string,
  separator: '.' | '/',
): { ok: true; value: string } | { ok: false; reason: string } {
  const tokens = source.split(separator);
  const value = template.replace(TOKEN, (_, name: string) =>
    sanitize(name === 'subject' ? source.replaceAll('/', '.') : (tokens[Number(name) - 1] ?? '')),
  );
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(value)) {
    return {
      ok: false,
      reason: `channel ${JSON.stringify(value)} from "${source}" is not 1-64 letters, digits, ".", "_", ":" or "-"`,
    };
  }
  return { ok: true, value };
}

function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9._:-]/g, '_');
}
