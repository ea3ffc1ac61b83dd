import type { ProcessInfo } from '@ws/events';
import { killGroup } from './launcher.js';
import { isActive, type Managed, snapshot } from './processRegistry.js';

/** Default time between SIGTERM and SIGKILL when stopping a process, in ms. */
export const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * SIGTERM to the process group (once), SIGKILL `graceMs` later; a process already stopping gets its
 * SIGKILL sooner when this deadline is earlier than the pending one. Resolves when it has exited.
 */
export function stopProcess(m: Managed, graceMs: number): Promise<ProcessInfo> {
  if (!isActive(m)) return Promise.resolve(snapshot(m));
  const pid = m.info.pid;
  if (m.info.status === 'running') {
    m.info.status = 'stopping';
    if (pid) killGroup(pid, 'SIGTERM');
  }
  const killAt = Date.now() + graceMs;
  if (pid && killAt < m.killAt) {
    if (m.killTimer) clearTimeout(m.killTimer);
    m.killAt = killAt;
    m.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    m.killTimer.unref();
  }
  return m.exited;
}

/** Cancels a pending SIGKILL (the process has exited). */
export function cancelKill(m: Managed): void {
  if (m.killTimer) clearTimeout(m.killTimer);
  m.killTimer = undefined;
  m.killAt = Number.POSITIVE_INFINITY;
}

/** SIGKILLs the groups of the processes still running; synchronous, for `process.on('exit')`. */
export function killAllNow(processes: Iterable<Managed>): void {
  for (const m of processes) if (m.info.pid && isActive(m)) killGroup(m.info.pid, 'SIGKILL');
}
