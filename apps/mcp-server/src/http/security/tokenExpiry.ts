import type { Connection } from '@ws/sse-core';
import type { Principal } from './access.js';
import { CLOCK_TOLERANCE_SECONDS } from './jwt.js';

/** The longest a timer can wait (a longer delay would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends a connection opened with a JWT (or a ticket minted with one) when its token would no longer
 * verify (`exp` plus the clock tolerance), as `lifetime`: the client reconnects with a fresh token
 * and resumes from its last id. Without this a stream outlived its token by as long as it stayed open.
 */
export function closeAtTokenExpiry(connection: Connection, principal: Principal): void {
  if (principal.expiresAt === undefined || connection.closed) return;
  const ms = (principal.expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000 - Date.now();
  // A token that outlives the timer's range: closed then (it reconnects with the same token).
  const timer = setTimeout(() => connection.close('lifetime'), Math.min(Math.max(ms, 0), MAX_TIMER_MS));
  timer.unref();
  connection.onClose(() => clearTimeout(timer));
}
