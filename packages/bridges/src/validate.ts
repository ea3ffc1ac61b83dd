import type { BridgePublishInput } from './hub.js';

/** The event types `/api/push` accepts. */
export const MESSAGE_TYPES: readonly string[] = ['info', 'warning', 'error', 'success', 'custom'];
/** The priorities `/api/push` accepts. */
export const PRIORITIES: readonly string[] = ['low', 'normal', 'high'];
/** What a channel name must match (as `/api/push` checks it). */
export const CHANNEL_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Longest message text, in characters (as `/api/push`). */
export const MAX_MESSAGE_LENGTH = 64 * 1024;

/** `/api/push`'s checks, for the in-memory hub: `undefined` when valid, else what to fix. */
export function validatePublishInput(input: BridgePublishInput): string | undefined {
  if (!CHANNEL_PATTERN.test(input.channel)) {
    return `channel must be 1-64 characters of letters, digits, ".", "_", ":" or "-" (got ${JSON.stringify(input.channel)})`;
  }
  if (input.type !== undefined && !MESSAGE_TYPES.includes(input.type)) {
    return `type must be one of ${MESSAGE_TYPES.join(', ')} (got ${JSON.stringify(input.type)})`;
  }
  if (input.priority !== undefined && !PRIORITIES.includes(input.priority)) {
    return `priority must be one of ${PRIORITIES.join(', ')} (got ${JSON.stringify(input.priority)})`;
  }
  if (input.message === undefined && input.data === undefined) return 'give a message, data, or both';
  if (input.message !== undefined) {
    if (typeof input.message !== 'string' || input.message.length === 0) return 'message must be a non-empty string';
    if (input.message.length > MAX_MESSAGE_LENGTH) return `message must be at most ${MAX_MESSAGE_LENGTH} characters`;
  }
  return undefined;
}
