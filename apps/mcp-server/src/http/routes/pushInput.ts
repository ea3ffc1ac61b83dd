import {
  ChannelSchema,
  MAX_MESSAGE_LENGTH,
  MessagePrioritySchema,
  MessageTypeSchema,
  type ParsedPushInput,
  PushInputSchema,
} from '@ws/events';

const TYPES: ReadonlySet<string> = new Set(MessageTypeSchema.options);
const PRIORITIES: ReadonlySet<string> = new Set(MessagePrioritySchema.options);

type Parsed = ReturnType<typeof PushInputSchema.safeParse>;

/** The schema's own defaults, read once from it. */
const DEFAULTS = PushInputSchema.parse({ message: '-' });

/**
 * The common push body, checked by hand: a JSON object with a non-empty `message` within
 * {@link MAX_MESSAGE_LENGTH} and/or `data`, and valid `type`, `channel` and `priority` when given.
 * It accepts exactly what `PushInputSchema` accepts (`data` came from `JSON.parse`, so it is JSON)
 * and builds the same value, defaults applied. Anything else is `undefined`: the caller then asks
 * the schema, which says what is wrong.
 */
function fastPushInput(value: unknown): ParsedPushInput | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  let seen = 0;
  const { message, data, type = DEFAULTS.type, channel = DEFAULTS.channel, priority = DEFAULTS.priority } = body;
  if (message !== undefined) {
    if (typeof message !== 'string' || message.length === 0 || message.length > MAX_MESSAGE_LENGTH) return undefined;
    seen++;
  } else if (data === undefined) return undefined;
  if (data !== undefined) seen++;
  if ('type' in body) seen++;
  if ('channel' in body) seen++;
  if ('priority' in body) seen++;
  // `.strict()`: an unknown key (or a key present with the value undefined, which JSON cannot carry) goes to the schema.
  if (Object.keys(body).length !== seen) return undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  if (typeof priority !== 'string' || !PRIORITIES.has(priority)) return undefined;
  if (channel !== DEFAULTS.channel && !ChannelSchema.safeParse(channel).success) return undefined;
  const input = { type, channel, priority } as ParsedPushInput;
  if (message !== undefined) input.message = message as string;
  if (data !== undefined) input.data = data as ParsedPushInput['data'];
  return input;
}

/** A parsed JSON push body as `PushInputSchema.safeParse` answers it, the common case without zod. */
export function parsePushInput(value: unknown): Parsed {
  const data = fastPushInput(value);
  return data === undefined ? PushInputSchema.safeParse(value) : ({ success: true, data } as Parsed);
}
