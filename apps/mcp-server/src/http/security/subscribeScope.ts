import type { SubscriptionChange } from '@ws/sse-core';
import { forbidden, type Principal } from './access.js';

/**
 * Whether a live change of a connection's filters stays within `principal`'s subscribe claim; the
 * 403 message if not. Only what a change can widen is checked: the channels it sets or adds
 * (`set.channels: null`, every channel, needs a claim over every channel). Narrowing (removing,
 * setting fewer) and types are always allowed.
 */
export function subscribeDenied(principal: Principal, change: SubscriptionChange): string | undefined {
  const set = change.set?.channels;
  // The /stream hint (name the channels in the query) becomes this change's: set a list instead.
  if (set === null)
    return forbidden(principal, 'subscribe', [])?.replace(/; name the channels.*$/, '; set a list of channels');
  const added = [...(set ?? []), ...(change.add?.channels ?? [])];
  return added.length === 0 ? undefined : forbidden(principal, 'subscribe', added);
}
