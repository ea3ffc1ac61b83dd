import type { StreamApi } from '../../api/webstreamApi.js';
import { oneLine } from '../budget/clip.js';
import { collapse } from '../budget/rows.js';
import type { EventTwin } from './readEvents.js';

/** The newest `limit` lines of one twin's items in the event log (repeats collapsed), for prompts. */
export async function latestLines<T>(stream: StreamApi, twin: EventTwin<T>, limit: number): Promise<string[]> {
  const page = await stream.events({});
  if (!page.ok) return [];
  const rows = collapse(page.value.events.flatMap((e) => twin.row(e) ?? [])).slice(-limit);
  return rows.map((r) => `${oneLine(r.line, 300)}${r.count > 1 ? ` (×${r.count})` : ''}`);
}
