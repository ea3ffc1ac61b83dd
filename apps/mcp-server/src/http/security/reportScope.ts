import type { MessageStatus } from '@ws/events';
import { forbidden, type Principal } from './access.js';

/**
 * A delivery report as `principal` may see it: in full for one with access to every channel (auth
 * off, the shared token, a JWT claiming `*`); for a scoped one, the counts and only the recipients
 * and acknowledgements of its own subject (the report does not name the message's channel, and the
 * other entries name other subjects and their connections).
 */
export function reportFor(principal: Principal | undefined, status: MessageStatus): MessageStatus {
  if (principal === undefined || !forbidden(principal, 'subscribe', [])) return status;
  const mine = (entry: { subject?: string | undefined }) =>
    principal.subject !== undefined && entry.subject === principal.subject;
  return { ...status, recipients: status.recipients.filter(mine), acks: status.acks.filter(mine) };
}
