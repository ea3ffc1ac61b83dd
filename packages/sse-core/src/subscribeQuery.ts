import { SseError } from './errors.js';
import { LAST_EVENT_ID_PARAM } from './headers.js';
import { checkName, type SubscribeOptions } from './subscribeOptions.js';

/** What {@link subscribeOptionsFromUrl} returns: the options, or a message saying what to fix. */
export type SubscribeQueryResult = { ok: true; options: SubscribeOptions } | { ok: false; message: string };

const REPLAY = /^\d{1,15}$/;

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new SseError('invalid_option', `${name} may be given once (got ${values.length} values)`);
  return values[0];
}

function names(params: URLSearchParams, name: string): string[] | undefined {
  const values = params.getAll(name);
  for (const value of values) checkName(name, value, 'invalid_option');
  return values.length > 0 ? values : undefined;
}

/**
 * Reads the standard query parameters of a stream request:
 *
 * | parameter | option | |
 * |---|---|---|
 * | `channel` (repeatable) | `channels` | names of 1-256 characters without CR, LF or NUL |
 * | `type` (repeatable) | `types` | same rule; `message` matches untyped events |
 * | `format` | `format` | checked against the hub's formats by `subscribe` |
 * | `replay` | `replay` | digits only: a non-negative integer |
 * | `lastEventId` | `lastEventId` | the resume id of a first `EventSource` request (the `Last-Event-ID` header wins) |
 *
 * Other parameters are ignored. `format`, `replay` and `lastEventId` may appear once. Accepts a
 * URL, a request target such as `/stream?channel=a` (what `node:http` gives), or the parameters.
 * Never throws: a bad value comes back as `{ ok: false, message }`.
 */
export function subscribeOptionsFromUrl(url: string | URL | URLSearchParams): SubscribeQueryResult {
  let params: URLSearchParams;
  try {
    params = url instanceof URLSearchParams ? url : new URL(url, 'http://localhost').searchParams;
  } catch {
    return { ok: false, message: `the request URL could not be parsed (${JSON.stringify(String(url).slice(0, 64))})` };
  }
  try {
    const replay = single(params, 'replay');
    if (replay !== undefined && !REPLAY.test(replay)) {
      throw new SseError(
        'invalid_option',
        `replay must be a non-negative integer (got ${JSON.stringify(replay.slice(0, 64))})`,
      );
    }
    const options: SubscribeOptions = {
      channels: names(params, 'channel'),
      types: names(params, 'type'),
      format: single(params, 'format'),
      replay: replay === undefined ? undefined : Number(replay),
      lastEventId: single(params, LAST_EVENT_ID_PARAM),
    };
    return { ok: true, options };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
