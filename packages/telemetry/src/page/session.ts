// The page session's life: visibility and focus changes, the heartbeat, and the end (`pagehide`,
// sent by beacon), with a return from the back/forward cache reopening it.
import type { PageInfo, TelemetryItem } from '../schemas.js';
import type { Commands } from './commands.js';
import type { Queue } from './queue.js';

/** What session tracking needs from the page. */
export interface SessionEnv {
  now(): number;
  info(): PageInfo;
  setInterval: typeof setInterval;
  heartbeatMs: number;
}

/** Listens to the page's lifecycle events and keeps the heartbeat. */
export function trackSession(queue: Queue, commands: Commands | undefined, env: SessionEnv): void {
  let lastState: TelemetryItem | undefined;
  // After pagehide nothing more is sent (unload fires visibilitychange after it) until a pageshow.
  let gone = false;

  function state() {
    if (gone) return 'hidden';
    try {
      const { visibility, focused } = env.info();
      const item: TelemetryItem = { kind: 'visibility', at: env.now(), state: visibility, focused };
      // Only the newest state waits in the queue.
      if (lastState && queue.isQueued(lastState) && queue.last() === lastState) Object.assign(lastState, item);
      else if (queue.push(item)) lastState = item;
      return visibility;
    } catch {
      return 'visible';
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (gone) return;
    const visibility = state();
    commands?.visibility(visibility);
    // Hidden may be the last moment the page runs (mobile, tab discarding): send now.
    if (visibility === 'hidden') queue.flush(true);
    else queue.flush();
  });
  addEventListener('focus', () => state());
  addEventListener('blur', () => state());
  addEventListener('pagehide', (event) => {
    if (gone) return;
    try {
      queue.push({ kind: 'closed', at: env.now(), persisted: event.persisted });
      gone = true;
      queue.flush(true);
      commands?.close();
    } catch {}
  });
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    gone = false;
    state();
    queue.flush(false, true);
    commands?.visibility('visible');
  });
  env.setInterval(() => {
    if (!gone) queue.flush(false, true);
  }, env.heartbeatMs);
}
