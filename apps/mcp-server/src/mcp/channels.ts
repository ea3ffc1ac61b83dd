import type { McpServer, ServerNotification } from '@modelcontextprotocol/server';
import type { DevApi, DevEventMessage } from '../api/webstreamApi.js';

/** Claude Code's channel capability (research preview): declared by the server, and by clients that take it. */
export const CHANNEL_CAPABILITY = 'claude/channel';
/** The notification that puts one message into the running Claude Code session. */
export const CHANNEL_METHOD = 'notifications/claude/channel';
/** At most one channel message per this many ms per session; what comes meanwhile is summed up in the next. */
export const CHANNEL_INTERVAL_MS = 5000;
/** Error groups remembered per session, to tell a new one (the oldest is forgotten past it). */
const MAX_GROUPS = 500;
/** Longest message line. */
const MAX_LINE = 300;

const clip = (text: string) => (text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text);

/** The one line an event is worth telling the agent about, or undefined (and the groups seen so far). */
function lineOf(event: DevEventMessage, groups: Set<string>): string | undefined {
  if (event.method === 'notifications/process/exited') {
    const p = event.params;
    if (p.exitCode === 0 || p.exitCode === null) return undefined; // a clean exit, or stopped by a signal
    return `webstream: ${p.processName} (${p.processId}) exited with code ${p.exitCode}; errors_list or logs_search with processId ${p.processId} say more`;
  }
  if (event.method !== 'notifications/error/detected') return undefined;
  const { error, processId } = event.params;
  const group = `${error.message}|${error.file ?? ''}`;
  if (groups.has(group)) return undefined;
  groups.add(group);
  if (groups.size > MAX_GROUPS) groups.delete(groups.values().next().value as string);
  const where = error.file ? ` at ${error.file}:${error.line ?? '?'}` : '';
  return `webstream: new error in ${processId}: ${clip(error.message.split('\n')[0] ?? '')}${where}; errors_list says more`;
}

/**
 * Claude Code channels (opt-in with `--channels`): when a supervised process exits with an error, or an
 * error group not seen before appears, a 2025-era session whose client declared the
 * `experimental["claude/channel"]` capability gets one short `notifications/claude/channel` line (at most
 * one per {@link CHANNEL_INTERVAL_MS}; lines that come meanwhile are joined into the next one). Clients that
 * did not declare it get nothing. Returns the function that detaches.
 */
export function attachChannels(
  server: McpServer,
  dev: DevApi,
  onError: (what: string, error: unknown) => void = () => undefined,
): () => void {
  const groups = new Set<string>();
  const pending: string[] = [];
  let lastSent = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wants = () => server.server.getClientCapabilities()?.experimental?.[CHANNEL_CAPABILITY] !== undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length === 0) return;
    const [first, ...more] = pending.splice(0);
    const content = more.length === 0 ? (first as string) : `${first} (and ${more.length} more since)`;
    lastSent = Date.now();
    const notification = { method: CHANNEL_METHOD, params: { content: clip(content), meta: { source: 'webstream' } } };
    server.server.notification(notification as unknown as ServerNotification).catch((e) => onError(CHANNEL_METHOD, e));
  };
  const detach = dev.listen({
    event(e) {
      if (!wants()) return;
      const line = lineOf(e, groups);
      if (!line || pending.length >= 20) return;
      pending.push(line);
      const wait = lastSent + CHANNEL_INTERVAL_MS - Date.now();
      if (wait <= 0) flush();
      else if (!timer) {
        timer = setTimeout(flush, wait);
        timer.unref();
      }
    },
    resourceChanged: () => undefined,
  });
  return () => {
    detach();
    if (timer) clearTimeout(timer);
  };
}
