import type { ChannelIndex } from './channelIndex.js';
import { SseError } from './errors.js';
import { checkName } from './subscribeOptions.js';

/** Names to add to or remove from a connection's filters. */
export interface FilterNames {
  channels?: readonly string[] | undefined;
  types?: readonly string[] | undefined;
}

/**
 * A change to a live connection's filters ({@link Hub.updateSubscription}), applied in this order:
 * `set` replaces a filter (`null`: every channel or type; `[]`: none), then `add`, then `remove`.
 * Adding to a filter that already lets everything through changes nothing; removing from it is
 * refused (`set` a list first). Removing the last name leaves an empty filter: nothing matches it.
 */
export interface SubscriptionChange {
  set?: { channels?: readonly string[] | null | undefined; types?: readonly string[] | null | undefined } | undefined;
  add?: FilterNames | undefined;
  remove?: FilterNames | undefined;
}

/** A connection's filters after a change: `null` lets every channel or type through. */
export interface SubscriptionState {
  channels: string[] | null;
  types: string[] | null;
}

/** What the change needs of a connection: its filters, writable here only (everyone else reads them). */
interface Filtered {
  channels: ReadonlySet<string> | null;
  types: ReadonlySet<string> | null;
}

function checkList(kind: string, values: unknown): readonly string[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new SseError('invalid_option', `${kind}s must be a list of names`);
  for (const value of values) checkName(kind, value, 'invalid_option');
  return values as readonly string[];
}

/** One filter after `set`, `add` and `remove`. Throws `invalid_option` saying what to fix. */
function nextFilter(
  kind: 'channel' | 'type',
  current: ReadonlySet<string> | null,
  set: readonly string[] | null | undefined,
  add: unknown,
  remove: unknown,
  maxNames: number,
): ReadonlySet<string> | null {
  const adding = checkList(kind, add);
  const removing = checkList(kind, remove);
  const base = set === undefined ? current : set === null ? null : checkList(kind, set);
  const next = base === null ? null : new Set(base);
  if (next === null) {
    if (removing.length > 0) {
      throw new SseError(
        'invalid_option',
        `the connection receives every ${kind}, so none can be removed; set a list of ${kind}s first`,
      );
    }
    return null;
  }
  for (const name of adding) next.add(name);
  for (const name of removing) next.delete(name);
  if (next.size > maxNames) {
    throw new SseError(
      'invalid_option',
      `a connection filters on at most ${maxNames} ${kind}s; this change would leave ${next.size} (remove some first)`,
    );
  }
  return next;
}

/**
 * Changes `sub`'s filters and keeps `index` right: the connection leaves the index under its old
 * channels and joins it under the new ones, so the fan-out visits it for exactly its channels from
 * the next event on. Nothing is replayed for an added channel (its events are delivered from now
 * on: replaying older ones would break the increasing ids); frames already queued stay queued.
 * Validates everything before changing anything, including that neither filter would name more
 * than `maxNames` (default: no bound).
 */
export function changeSubscription<S extends Filtered>(
  index: ChannelIndex<S>,
  sub: S,
  change: SubscriptionChange,
  maxNames: number = Number.POSITIVE_INFINITY,
): SubscriptionState {
  const { set = {}, add = {}, remove = {} } = change;
  const channels = nextFilter('channel', sub.channels, set.channels, add.channels, remove.channels, maxNames);
  const types = nextFilter('type', sub.types, set.types, add.types, remove.types, maxNames);
  index.remove(sub);
  sub.channels = channels;
  sub.types = types;
  index.add(sub);
  return { channels: channels && [...channels], types: types && [...types] };
}
