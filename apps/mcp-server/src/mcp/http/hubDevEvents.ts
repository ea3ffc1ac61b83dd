import { DevChannel, DevEventSchema } from '@ws/events';
import type { Hub } from '@ws/sse-core';
import { changedBy } from '../../api/remoteEvents.js';
import type { DevApiListener, DevEventMessage } from '../../api/webstreamApi.js';

/** The dev event in one SSE frame of the hub's `json` format (its `data:` lines), if it carries one. */
function devEventOf(frame: string): DevEventMessage | undefined {
  const data = frame
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
    .join('\n');
  if (!data) return undefined;
  try {
    const parsed = DevEventSchema.safeParse((JSON.parse(data) as { data?: unknown }).data);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // a gap or ping frame, not an event
  }
}

/**
 * The dev events of every instance, as they pass through this instance's hub: the dev service
 * publishes each one on its `/stream` channel (process, logs, errors), and with `--redis` the hub gets
 * every instance's. A 2026-07-28 `subscriptions/listen` stream fed from here carries the same events on
 * whichever instance the client reaches (no sticky sessions). One hub subscription while anyone listens,
 * under the hub's per-connection byte budget and overflow policy (it never blocks the hub).
 */
export function hubDevEvents(hub: Hub): (listener: DevApiListener) => () => void {
  const listeners = new Set<DevApiListener>();
  let close: (() => void) | undefined;
  const decoder = new TextDecoder();
  let carry = '';
  const deliver = (chunk: Uint8Array) => {
    const frames = (carry + decoder.decode(chunk, { stream: true })).split('\n\n');
    carry = frames.pop() ?? '';
    for (const frame of frames) {
      const event = devEventOf(frame);
      if (!event) continue;
      for (const l of listeners) {
        l.event(event);
        for (const uri of changedBy(event)) l.resourceChanged(uri);
      }
    }
    return true;
  };
  const open = () => {
    const connection = hub.subscribe(
      { write: deliver, bufferedBytes: () => 0, close: () => undefined },
      { channels: Object.values(DevChannel), format: 'json' },
    );
    return () => connection.close();
  };
  return (listener) => {
    listeners.add(listener);
    close ??= open();
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || !close) return;
      close();
      close = undefined;
      carry = '';
    };
  };
}
