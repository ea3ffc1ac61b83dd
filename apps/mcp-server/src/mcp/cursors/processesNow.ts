import type { DevApi } from '../../api/webstreamApi.js';

/** The line `processes_read` starts with: what runs now (the events alone may be older than the log holds). */
export async function runningNow(dev: DevApi): Promise<string> {
  const running = await dev.processes({ active: true });
  if (!running.ok) return `Running now: unknown (${running.message}).`;
  if (running.value.length === 0) return 'Running now: nothing.';
  const items = running.value.map(
    (p) => `${p.id} (${p.name}, pid ${p.pid}${p.urls.length > 0 ? `, ${p.urls.slice(0, 2).join(' ')}` : ''})`,
  );
  return `Running now: ${items.join('; ')}.`;
}
