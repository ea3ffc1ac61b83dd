import type { StreamMessage } from '@ws/events';
import { z } from 'zod';
import { clock } from '../budget/clip.js';
import { rowOf } from '../budget/rows.js';
import type { EventTwin } from './readEvents.js';

// The browser half publishes on `/stream` channels `proxy` (data.kind `request`, `mapping`) and `browser`
// (`error`, `console`, `session`). Only the fields a line shows are checked here; the item is the whole
// `data` as published.

const RequestSchema = z.object({
  kind: z.literal('request'),
  record: z.object({
    method: z.string(),
    url: z.string(),
    status: z.number().nullable(),
    durationMs: z.number().nullable(),
    failed: z.boolean(),
    error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    processId: z.string().nullable(),
  }),
});

const PageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('error'),
    group: z.object({
      name: z.string(),
      message: z.string(),
      file: z.string().optional(),
      line: z.number().optional(),
      column: z.number().optional(),
      count: z.number(),
      url: z.string(),
    }),
  }),
  z.object({ kind: z.literal('console'), entry: z.object({ level: z.string(), text: z.string(), url: z.string() }) }),
  z.object({
    kind: z.literal('session'),
    event: z.enum(['started', 'ended']),
    session: z.object({ id: z.string(), url: z.string() }),
  }),
]);

/** `requests_read`: requests through the dev proxy (`proxy` channel); `failedOnly` keeps failures and 4xx/5xx. */
export function requestsTwin(options: { failedOnly?: boolean | undefined }): EventTwin<unknown> {
  return {
    noun: 'request',
    row(message: StreamMessage) {
      if (message.channel !== 'proxy') return undefined;
      const parsed = RequestSchema.safeParse(message.data);
      if (!parsed.success) return undefined;
      const r = parsed.data.record;
      const bad = r.failed || (r.status ?? 0) >= 400;
      if (options.failedOnly && !bad) return undefined;
      const outcome = r.failed
        ? `failed (${r.error ? `${r.error.kind}: ${r.error.message}` : 'no answer'})`
        : `${r.status ?? '…'}${r.durationMs === null ? '' : ` in ${Math.round(r.durationMs)} ms`}`;
      return rowOf(
        message.id,
        `${r.method} ${r.url} ${r.failed ? 'failed' : r.status}`,
        `${clock(message.timestamp)} ${r.method} ${r.url} → ${outcome}`,
        message.data,
      );
    },
  };
}

/** `page_read`: what pages loaded through the proxy reported (`browser` channel): errors, console, sessions. */
export const pageTwin: EventTwin<unknown> = {
  noun: 'page event',
  row(message: StreamMessage) {
    if (message.channel !== 'browser') return undefined;
    const parsed = PageSchema.safeParse(message.data);
    if (!parsed.success) return undefined;
    const d = parsed.data;
    const at = clock(message.timestamp);
    if (d.kind === 'error') {
      const g = d.group;
      const where = g.file ? ` (${g.file}:${g.line ?? '?'}:${g.column ?? '?'})` : '';
      const text = `${at} page error ${g.name}: ${g.message}${where} [${g.count} so far] on ${g.url}`;
      return rowOf(message.id, `error\u0000${g.name}\u0000${g.message}${where}`, text, message.data);
    }
    if (d.kind === 'console')
      return rowOf(
        message.id,
        `console\u0000${d.entry.level}\u0000${d.entry.text}`,
        `${at} console.${d.entry.level} ${d.entry.text}`,
        message.data,
      );
    const what = d.event === 'started' ? 'opened' : 'closed';
    return rowOf(message.id, message.id, `${at} page ${what}: ${d.session.url} (${d.session.id})`, message.data);
  },
};
