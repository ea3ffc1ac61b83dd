import { type BusInput, DEFAULT_CHANNEL, type HubEvent, parseStreamId } from '@ws/sse-core';

/** One stream entry as ioredis returns it. */
export type Entry = [id: string, fields: string[]];

/** The fields of an entry: `c` channel, `t` type (empty: none), `p` priority, `d` data, `x` text (only when given). */
export function toFields(input: BusInput): string[] {
  const fields = [
    'c',
    input.channel ?? DEFAULT_CHANNEL,
    't',
    input.type ?? '',
    'p',
    input.priority ?? 'normal',
    'd',
    input.data,
  ];
  if (input.text !== undefined) fields.push('x', input.text);
  return fields;
}

/** The event an entry stands for; its timestamp is the id's milliseconds. */
export function toEvent(id: string, fields: string[]): HubEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  return {
    id,
    channel: f.c ?? DEFAULT_CHANNEL,
    type: f.t ? f.t : undefined,
    data: f.d ?? '',
    text: f.x,
    priority: f.p === 'high' ? 'high' : 'normal',
    timestamp: parseStreamId(id)?.[0] ?? Date.now(),
  };
}
