import type { PrivateMessage } from './connection.js';
import { SseError } from './errors.js';
import { DEFAULT_TYPE, type HubEvent } from './event.js';
import { encodeFrame, formatEvent } from './frame.js';
import { unrenderableFrame } from './gap.js';
import { DEFAULT_FORMAT, type EventFormatter } from './hubOptions.js';
import { checkName } from './subscribeOptions.js';

type Encode = (event: HubEvent) => Uint8Array;

const defaultFormatter: EventFormatter = (e) => ({
  event: e.type === undefined || e.type === DEFAULT_TYPE ? undefined : e.type,
  data: e.data,
});

/** A payload as event data: strings as they are, anything else through `serializer`; `invalid_field` if that fails. */
export function serializeData(data: unknown, serializer: (data: unknown) => string): string {
  if (typeof data === 'string') return data;
  let text: unknown;
  try {
    text = serializer(data);
  } catch (error) {
    throw new SseError('invalid_field', `data could not be serialized: ${(error as Error).message}`, { cause: error });
  }
  if (typeof text !== 'string') {
    throw new SseError(
      'invalid_field',
      `data could not be serialized: the serializer returned ${typeof text}, not a string`,
    );
  }
  return text;
}

/**
 * Renders events into frames, one format at a time. The `id:` is always the bus's and comes first,
 * whatever a formatter returns: ordering, resuming and the queue's drop bookkeeping (which reads it
 * back) rely on it. A formatter that throws is reported and its event becomes an `unrenderable` gap.
 */
export class Renderer {
  readonly #encoders = new Map<string, Encode>();
  readonly #default: Encode;
  readonly #onError: (error: unknown) => void;
  readonly #serializer: (data: unknown) => string;

  constructor(
    formats: Record<string, EventFormatter>,
    serializer: (data: unknown) => string,
    onError: (error: unknown) => void,
  ) {
    const encodeWith =
      (formatter: EventFormatter) =>
      (event: HubEvent): Uint8Array =>
        encodeFrame(formatEvent({ ...formatter(event), id: event.id, retry: undefined }));
    this.#default = encodeWith(defaultFormatter);
    this.#encoders.set(DEFAULT_FORMAT, this.#default);
    for (const [name, f] of Object.entries(formats)) this.#encoders.set(name, encodeWith(f));
    this.#onError = onError;
    this.#serializer = serializer;
  }

  /** Throws `invalid_option` unless `format` is known. */
  check(format: string): void {
    if (!this.#encoders.has(format)) {
      throw new SseError(
        'invalid_option',
        `unknown format "${format}" (known: ${[...this.#encoders.keys()].join(', ')})`,
      );
    }
  }

  /** The frame of `event` in `format` (a known one). */
  render(event: HubEvent, format: string): Uint8Array {
    try {
      const encode = format === DEFAULT_FORMAT ? this.#default : (this.#encoders.get(format) as Encode);
      return encode(event);
    } catch (error) {
      this.#onError(error);
      return unrenderableFrame(event.id, error);
    }
  }

  /** A private message's frame: no `id:`, no format. */
  privateFrame(message: PrivateMessage): Uint8Array {
    const { type } = message;
    if (type !== undefined) checkName('type', type, 'invalid_field');
    const data = serializeData(message.data, this.#serializer);
    return encodeFrame(formatEvent({ event: type === DEFAULT_TYPE ? undefined : type, data }));
  }

  /** Data of an event to publish, serialized once. */
  serialize(data: unknown): string {
    return serializeData(data, this.#serializer);
  }
}
